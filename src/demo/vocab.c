/* Vocabularies of the demo generator: operating systems, the process catalog,
 * software with real vendor/product/version strings, names and places. Written for
 * this project from public product facts; no data file is copied. */
#include <string.h>

#include "core/mem.h"
#include "demo_int.h"
#include "vocab.h"

const dm_os_info dm_os[DM_OS__COUNT] = {
    [DM_OS_WIN10] = {"Windows10", "Windows", "22H2", "10.0", "windows_10", 19045,
                     {"4780", "4894", "5011", "5131"}, true, false},
    [DM_OS_WIN11] = {"Windows11", "Windows", "23H2", "10.0", "windows_11", 22631,
                     {"4169", "4317", "4460", "4541"}, true, false},
    [DM_OS_SRV2019] = {"WindowsServer2019", "Windows", "1809", "10.0", "windows_server_2019", 17763,
                       {"6189", "6293", "6414", "6532"}, true, true},
    [DM_OS_SRV2022] = {"WindowsServer2022", "Windows", "21H2", "10.0", "windows_server_2022", 20348,
                       {"2655", "2700", "2762", "2849"}, true, true},
    [DM_OS_UBUNTU] = {"Linux", "Ubuntu", "22.04", "22.04", "ubuntu_linux", 0,
                      {"5.15.0-118", "5.15.0-122", "5.15.0-124", "5.15.0-125"}, false, true},
    [DM_OS_RHEL] = {"Linux", "RedHat", "9.4", "9.4", "enterprise_linux", 0,
                    {"5.14.0-427.28", "5.14.0-427.31", "5.14.0-427.37", "5.14.0-427.42"}, false, true},
};

#define MS "Microsoft Corporation"
#define WINOS "Microsoft\xc2\xae Windows\xc2\xae Operating System"
#define S32 "C:\\Windows\\System32\\"

/* Order matters only inside each block; the Zipf order of pickable processes is
 * the order they appear (most common first). */
static const dm_proc_def proc_seed[] = {
    /* boot chain and long-lived parents (not picked at random) */
    {"smss.exe", S32 "smss.exe", MS, WINOS, "10.0.19041.1", "Windows Session Manager", "smss.exe", 154624, DM_PK_NONE, DM_ACCT_SYSTEM, false, {"\\SystemRoot\\System32\\smss.exe"}, "", "", ""},
    {"wininit.exe", S32 "wininit.exe", MS, WINOS, "10.0.19041.1", "Windows Start-Up Application", "wininit.exe", 430592, DM_PK_NONE, DM_ACCT_SYSTEM, false, {"wininit.exe"}, "", "", ""},
    {"services.exe", S32 "services.exe", MS, WINOS, "10.0.19041.3636", "Services and Controller app", "services.exe", 712824, DM_PK_NONE, DM_ACCT_SYSTEM, false, {"C:\\Windows\\system32\\services.exe"}, "", "", ""},
    {"winlogon.exe", S32 "winlogon.exe", MS, WINOS, "10.0.19041.4648", "Windows Logon Application", "WINLOGON.EXE", 916480, DM_PK_NONE, DM_ACCT_SYSTEM, false, {"winlogon.exe"}, "", "", ""},
    {"userinit.exe", S32 "userinit.exe", MS, WINOS, "10.0.19041.1", "Userinit Logon Application", "USERINIT.EXE", 31232, DM_PK_NONE, DM_ACCT_USER, false, {"C:\\Windows\\system32\\userinit.exe"}, "", "", ""},
    {"explorer.exe", "C:\\Windows\\explorer.exe", MS, WINOS, "10.0.19041.4842", "Windows Explorer", "EXPLORER.EXE", 5580096, DM_PK_NONE, DM_ACCT_USER, false, {"C:\\Windows\\Explorer.EXE"}, "", "", ""},
    {"lsass.exe", S32 "lsass.exe", MS, WINOS, "10.0.19041.4842", "Local Security Authority Process", "lsass.exe", 59456, DM_PK_NONE, DM_ACCT_SYSTEM, false, {"C:\\Windows\\system32\\lsass.exe"}, "", "", ""},
    {"rundll32.exe", S32 "rundll32.exe", MS, WINOS, "10.0.19041.3636", "Windows host process (Rundll32)", "RUNDLL32.EXE", 71680, DM_PK_NONE, DM_ACCT_USER, false, {"rundll32.exe"}, "", "", ""},
    {"systemd", "/usr/lib/systemd/systemd", "", "", "", "", "", 1620224, DM_PK_NONE, DM_ACCT_SYSTEM, true, {"/sbin/init splash"}, "", "", ""},
    {"sshd", "/usr/sbin/sshd", "", "", "", "", "", 921136, DM_PK_SERVICES, DM_ACCT_SYSTEM, true, {"sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"}, "", "", ""},
    {"cron", "/usr/sbin/cron", "", "", "", "", "", 59152, DM_PK_SERVICES, DM_ACCT_SYSTEM, true, {"/usr/sbin/cron -f -P"}, "", "", ""},
    /* pickable Windows processes, most common first */
    {"svchost.exe", S32 "svchost.exe", MS, WINOS, "10.0.19041.4355", "Host Process for Windows Services", "svchost.exe", 57360, DM_PK_SERVICES, DM_ACCT_SYSTEM, false, {"C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule", "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p", "C:\\Windows\\System32\\svchost.exe -k LocalServiceNetworkRestricted -p -s Dhcp", "C:\\Windows\\system32\\svchost.exe -k UnistackSvcGroup -s CDPUserSvc"}, "", "", ""},
    {"conhost.exe", S32 "conhost.exe", MS, WINOS, "10.0.19041.1320", "Console Window Host", "CONHOST.EXE", 889344, DM_PK_SHELL, DM_ACCT_USER, false, {"\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1"}, "", "", ""},
    {"backgroundTaskHost.exe", S32 "backgroundTaskHost.exe", MS, WINOS, "10.0.19041.3636", "Background Task Host", "backgroundTaskHost.exe", 20480, DM_PK_SVCHOST, DM_ACCT_USER, false, {"\"C:\\Windows\\system32\\backgroundTaskHost.exe\" -ServerName:BackgroundTaskHost.WebAccountProvider", "\"C:\\Windows\\system32\\backgroundTaskHost.exe\" -ServerName:App.AppXmtcan0h2tfbfy7k9kmpw4mv6pnbnaxxs.mca"}, "", "", ""},
    {"chrome.exe", "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "Google LLC", "Google Chrome", "131.0.6778.86", "Google Chrome", "chrome.exe", 3111704, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\"", "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer --no-sandbox --lang=en-US --renderer-client-id=7", "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none"}, "", "", ""},
    {"RuntimeBroker.exe", S32 "RuntimeBroker.exe", MS, WINOS, "10.0.19041.3636", "Runtime Broker", "RuntimeBroker.exe", 135168, DM_PK_SVCHOST, DM_ACCT_USER, false, {"C:\\Windows\\System32\\RuntimeBroker.exe -Embedding"}, "", "", ""},
    {"msedge.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", MS, "Microsoft Edge", "131.0.2903.51", "Microsoft Edge", "msedge.exe", 4202416, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\" --single-argument https://portal.office.com/", "\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\" --type=renderer --lang=en-US"}, "", "", ""},
    {"taskhostw.exe", S32 "taskhostw.exe", MS, WINOS, "10.0.19041.4355", "Host Process for Windows Tasks", "taskhostw.exe", 101376, DM_PK_SVCHOST, DM_ACCT_USER, false, {"taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly", "taskhostw.exe Install $(Arg0)"}, "", "", ""},
    {"OUTLOOK.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", MS, "Microsoft Outlook", "16.0.18129.20158", "Microsoft Outlook", "Outlook.exe", 44102984, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Program Files\\Microsoft Office\\Root\\Office16\\OUTLOOK.EXE\""}, "", "", ""},
    {"ms-teams.exe", "C:\\Program Files\\WindowsApps\\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe\\ms-teams.exe", MS, "Microsoft Teams", "24295.605.3225.8804", "Microsoft Teams", "ms-teams.exe", 1209744, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Program Files\\WindowsApps\\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe\\ms-teams.exe\" msteams:system-initiated"}, "", "", ""},
    {"SearchProtocolHost.exe", S32 "SearchProtocolHost.exe", MS, WINOS, "7.0.19041.4597", "Microsoft Windows Search Protocol Host", "SearchProtocolHost.exe", 419840, DM_PK_SVCHOST, DM_ACCT_SYSTEM, false, {"\"C:\\Windows\\system32\\SearchProtocolHost.exe\" Global\\UsGthrFltPipeMssGthrPipe1_ Global\\UsGthrCtrlFltPipeMssGthrPipe1 1 -2147483646 \"Software\\Microsoft\\Windows Search\""}, "", "", ""},
    {"WINWORD.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", MS, "Microsoft Office", "16.0.18129.20158", "Microsoft Word", "WinWord.exe", 1632600, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Program Files\\Microsoft Office\\Root\\Office16\\WINWORD.EXE\" /n", "\"C:\\Program Files\\Microsoft Office\\Root\\Office16\\WINWORD.EXE\" /n \"C:\\Users\\Public\\Documents\\Q3 planning.docx\" /o \"\""}, "", "", ""},
    {"EXCEL.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE", MS, "Microsoft Office", "16.0.18129.20158", "Microsoft Excel", "Excel.exe", 64853832, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Program Files\\Microsoft Office\\Root\\Office16\\EXCEL.EXE\"", "\"C:\\Program Files\\Microsoft Office\\Root\\Office16\\EXCEL.EXE\" /dde"}, "", "", ""},
    {"cmd.exe", S32 "cmd.exe", MS, WINOS, "10.0.19041.4355", "Windows Command Processor", "Cmd.Exe", 289792, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Windows\\system32\\cmd.exe\"", "C:\\Windows\\system32\\cmd.exe /c \"C:\\Program Files\\Common Files\\logon.cmd\""}, "", "", ""},
    {"powershell.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", MS, WINOS, "10.0.19041.3996", "Windows PowerShell", "PowerShell.EXE", 455680, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\"", "powershell.exe -ExecutionPolicy Bypass -File C:\\ProgramData\\IT\\inventory.ps1", "powershell.exe -NoProfile -Command Get-Service | Where-Object {$_.Status -eq 'Running'}"}, "", "", ""},
    {"WmiPrvSE.exe", S32 "wbem\\WmiPrvSE.exe", MS, WINOS, "10.0.19041.4522", "WMI Provider Host", "Wmiprvse.exe", 496640, DM_PK_SVCHOST, DM_ACCT_NETSVC, false, {"C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", "C:\\Windows\\system32\\wbem\\wmiprvse.exe -Embedding"}, "", "", ""},
    {"dllhost.exe", S32 "dllhost.exe", MS, WINOS, "10.0.19041.546", "COM Surrogate", "dllhost.exe", 20752, DM_PK_SVCHOST, DM_ACCT_USER, false, {"C:\\Windows\\system32\\DllHost.exe /Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}", "C:\\Windows\\system32\\DllHost.exe /Processid:{3EB3C877-1F16-487C-9050-104DBCD66683}"}, "", "", ""},
    {"MpCmdRun.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MpCmdRun.exe", MS, "Microsoft\xc2\xae Windows\xc2\xae Operating System", "4.18.24090.11", "Microsoft Malware Protection Command Line Utility", "MpCmdRun.exe", 1599464, DM_PK_SVCHOST, DM_ACCT_SYSTEM, false, {"\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MpCmdRun.exe\" SignaturesUpdateService -ScheduleJob -UnmanagedUpdate", "\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MpCmdRun.exe\" -wdenable"}, "", "", ""},
    {"OneDrive.exe", "C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe", MS, "Microsoft OneDrive", "24.201.1006.0005", "Microsoft OneDrive", "OneDrive.exe", 3521872, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe\" /background"}, "", "", ""},
    {"MicrosoftEdgeUpdate.exe", "C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe", MS, "Microsoft Edge Update", "1.3.195.31", "Microsoft Edge Update", "MicrosoftEdgeUpdate.exe", 205336, DM_PK_SVCHOST, DM_ACCT_SYSTEM, false, {"\"C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe\" /ua /installsource scheduler"}, "", "", ""},
    {"GoogleUpdate.exe", "C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe", "Google LLC", "Google Update", "1.3.36.372", "Google Installer", "GoogleUpdate.exe", 159456, DM_PK_SVCHOST, DM_ACCT_SYSTEM, false, {"\"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe\" /ua /installsource scheduler"}, "", "", ""},
    {"sc.exe", S32 "sc.exe", MS, WINOS, "10.0.19041.1", "Service Control Manager Configuration Tool", "sc.exe", 72192, DM_PK_SVCHOST, DM_ACCT_SYSTEM, false, {"sc.exe start wuauserv", "sc.exe query WinDefend", "sc.exe config TrustedInstaller start= auto"}, "", "", ""},
    {"notepad.exe", S32 "notepad.exe", MS, WINOS, "10.0.19041.3996", "Notepad", "NOTEPAD.EXE", 201216, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Windows\\system32\\NOTEPAD.EXE\"", "\"C:\\Windows\\system32\\NOTEPAD.EXE\" C:\\Users\\Public\\notes.txt"}, "", "", ""},
    {"TiWorker.exe", "C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.4950_none_7db2b2b0e8a8c1b9\\TiWorker.exe", MS, WINOS, "10.0.19041.4950", "Windows Modules Installer Worker", "TiWorker.exe", 219648, DM_PK_SVCHOST, DM_ACCT_SYSTEM, false, {"C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.4950_none_7db2b2b0e8a8c1b9\\TiWorker.exe -Embedding"}, "", "", ""},
    {"ipconfig.exe", S32 "ipconfig.exe", MS, WINOS, "10.0.19041.1", "IP Configuration Utility", "ipconfig.exe", 35840, DM_PK_SHELL, DM_ACCT_USER, false, {"ipconfig /all", "ipconfig /flushdns"}, "", "", ""},
    {"msiexec.exe", S32 "msiexec.exe", MS, WINOS, "5.0.19041.4355", "Windows\xc2\xae installer", "msiexec.exe", 66048, DM_PK_SERVICES, DM_ACCT_SYSTEM, false, {"C:\\Windows\\system32\\msiexec.exe /V", "C:\\Windows\\System32\\MsiExec.exe -Embedding 5B2C8A3D1E1F0C9A8B7D6E5F4A3B2C1D E Global\\MSI0000"}, "", "", ""},
    {"net.exe", S32 "net.exe", MS, WINOS, "10.0.19041.1", "Net Command", "net.exe", 57344, DM_PK_SHELL, DM_ACCT_USER, false, {"net use", "net time \\\\dc01 /set /y", "net view"}, "", "", ""},
    {"reg.exe", S32 "reg.exe", MS, WINOS, "10.0.19041.1", "Registry Console Tool", "reg.exe", 73728, DM_PK_SHELL, DM_ACCT_USER, false, {"reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall /s", "reg query \"HKCU\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\""}, "", "", ""},
    {"Acrobat.exe", "C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe", "Adobe Systems Incorporated", "Adobe Acrobat", "24.4.20220.0", "Adobe Acrobat", "Acrobat.exe", 6613584, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe\" \"C:\\Users\\Public\\Downloads\\statement.pdf\""}, "", "", ""},
    {"whoami.exe", S32 "whoami.exe", MS, WINOS, "10.0.19041.1", "whoami - displays logged on user information", "whoami.exe", 73728, DM_PK_SHELL, DM_ACCT_USER, false, {"whoami", "whoami /groups"}, "", "", ""},
    {"Zoom.exe", "C:\\Program Files\\Zoom\\bin\\Zoom.exe", "Zoom Video Communications, Inc.", "Zoom", "6.2.10.48573", "Zoom Meetings", "Zoom.exe", 487432, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Program Files\\Zoom\\bin\\Zoom.exe\" \"--url=zoommtg://zoom.us/join?action=join&confno=8423156790\""}, "", "", ""},
    {"firefox.exe", "C:\\Program Files\\Mozilla Firefox\\firefox.exe", "Mozilla Corporation", "Firefox", "132.0.2", "Firefox", "firefox.exe", 675864, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Program Files\\Mozilla Firefox\\firefox.exe\"", "\"C:\\Program Files\\Mozilla Firefox\\firefox.exe\" -contentproc -childID 3 -isForBrowser"}, "", "", ""},
    {"7zFM.exe", "C:\\Program Files\\7-Zip\\7zFM.exe", "Igor Pavlov", "7-Zip", "24.08", "7-Zip File Manager", "7zFM.exe", 1012736, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Program Files\\7-Zip\\7zFM.exe\" \"C:\\Users\\Public\\Downloads\\logs.zip\""}, "", "", ""},
    {"notepad++.exe", "C:\\Program Files\\Notepad++\\notepad++.exe", "Don HO don.h@free.fr", "Notepad++", "8.7.1", "Notepad++", "notepad++.exe", 7217488, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Program Files\\Notepad++\\notepad++.exe\""}, "", "", ""},
    {"git.exe", "C:\\Program Files\\Git\\cmd\\git.exe", "The Git Development Community", "Git", "2.47.0.windows.2", "Git for Windows", "git.exe", 46136, DM_PK_SHELL, DM_ACCT_USER, false, {"git fetch --prune", "git status", "git pull origin main"}, "", "", ""},
    {"python.exe", "C:\\Program Files\\Python312\\python.exe", "Python Software Foundation", "Python", "3.12.7", "Python", "python.exe", 103192, DM_PK_SHELL, DM_ACCT_USER, false, {"python.exe -m pip list", "python.exe report.py --month 10"}, "", "", ""},
    {"mstsc.exe", S32 "mstsc.exe", MS, WINOS, "10.0.19041.4842", "Remote Desktop Connection", "mstsc.exe", 1323008, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Windows\\system32\\mstsc.exe\"", "\"C:\\Windows\\system32\\mstsc.exe\" /v:srv-app01"}, "", "", ""},
    {"gpupdate.exe", S32 "gpupdate.exe", MS, WINOS, "10.0.19041.1", "Microsoft\xc2\xae Windows\xc2\xae Group Policy Update Utility", "gpupdate.exe", 30720, DM_PK_SVCHOST, DM_ACCT_SYSTEM, false, {"gpupdate.exe /target:computer", "gpupdate /force"}, "", "", ""},
    {"schtasks.exe", S32 "schtasks.exe", MS, WINOS, "10.0.19041.1503", "Task Scheduler Configuration Tool", "schtasks.exe", 235520, DM_PK_SHELL, DM_ACCT_USER, false, {"schtasks /query /fo LIST", "schtasks /run /tn \"\\Microsoft\\Office\\Office Automatic Updates 2.0\""}, "", "", ""},
    {"tasklist.exe", S32 "tasklist.exe", MS, WINOS, "10.0.19041.1", "Lists the current running tasks.", "tasklist.exe", 82944, DM_PK_SHELL, DM_ACCT_USER, false, {"tasklist", "tasklist /svc"}, "", "", ""},
    {"putty.exe", "C:\\Program Files\\PuTTY\\putty.exe", "Simon Tatham", "PuTTY suite", "0.81.0.0", "SSH, Telnet, Rlogin, and SUPDUP client", "PuTTY", 1683920, DM_PK_EXPLORER, DM_ACCT_USER, false, {"\"C:\\Program Files\\PuTTY\\putty.exe\" -ssh admin@10.20.0.15"}, "", "", ""},
    /* pickable Linux processes */
    {"bash", "/usr/bin/bash", "", "", "", "", "", 1396520, DM_PK_SERVICES, DM_ACCT_USER, true, {"-bash", "/bin/bash -c /opt/backup/run.sh"}, "", "", ""},
    {"systemctl", "/usr/bin/systemctl", "", "", "", "", "", 1001480, DM_PK_SHELL, DM_ACCT_SYSTEM, true, {"systemctl status nginx", "systemctl is-active --quiet apt-daily.service"}, "", "", ""},
    {"python3", "/usr/bin/python3.10", "", "", "", "", "", 5912968, DM_PK_SHELL, DM_ACCT_SYSTEM, true, {"/usr/bin/python3 /usr/bin/networkd-dispatcher --run-startup-triggers", "python3 /opt/app/worker.py"}, "", "", ""},
    {"curl", "/usr/bin/curl", "", "", "", "", "", 260328, DM_PK_SHELL, DM_ACCT_SYSTEM, true, {"curl -s http://127.0.0.1:8080/health", "curl -fsSL https://packages.microsoft.com/keys/microsoft.asc"}, "", "", ""},
    {"apt-get", "/usr/bin/apt-get", "", "", "", "", "", 18824, DM_PK_SHELL, DM_ACCT_SYSTEM, true, {"apt-get update -qq", "apt-get -y upgrade"}, "", "", ""},
    {"logrotate", "/usr/sbin/logrotate", "", "", "", "", "", 92424, DM_PK_SHELL, DM_ACCT_SYSTEM, true, {"/usr/sbin/logrotate /etc/logrotate.conf"}, "", "", ""},
    {"ps", "/usr/bin/ps", "", "", "", "", "", 137688, DM_PK_SHELL, DM_ACCT_SYSTEM, true, {"ps aux", "ps -ef"}, "", "", ""},
    /* used by scenarios only */
    {"mimikatz.exe", "C:\\Users\\Public\\mimikatz.exe", "gentilkiwi (Benjamin DELPY)", "mimikatz", "2.2.0.0", "mimikatz for Windows", "mimikatz.exe", 1355264, DM_PK_NONE, DM_ACCT_USER, false, {"mimikatz.exe \"privilege::debug\" \"sekurlsa::logonpasswords\" exit"}, "", "", ""},
    {"vssadmin.exe", S32 "vssadmin.exe", MS, WINOS, "10.0.19041.1", "Command Line Interface for Microsoft\xc2\xae Volume Shadow Copy Service", "VSSADMIN.EXE", 136192, DM_PK_NONE, DM_ACCT_USER, false, {"vssadmin.exe delete shadows /all /quiet"}, "", "", ""},
    {"PSEXESVC.exe", "C:\\Windows\\PSEXESVC.exe", "Sysinternals - www.sysinternals.com", "Sysinternals PsExec", "2.43", "PsExec Service", "psexesvc.exe", 194456, DM_PK_NONE, DM_ACCT_SYSTEM, false, {"C:\\Windows\\PSEXESVC.exe"}, "", "", ""},
    {"PsExec.exe", "C:\\Users\\Public\\PsExec.exe", "Sysinternals - www.sysinternals.com", "Sysinternals PsExec", "2.43", "Execute processes remotely", "psexec.c", 716176, DM_PK_NONE, DM_ACCT_USER, false, {"PsExec.exe"}, "", "", ""},
    {"wmic.exe", S32 "wbem\\WMIC.exe", MS, WINOS, "10.0.19041.3636", "WMI Commandline Utility", "wmic.exe", 503808, DM_PK_NONE, DM_ACCT_USER, false, {"wmic shadowcopy delete"}, "", "", ""},
};

static int find_proc(const dm_vocab *v, const char *file)
{
    for (size_t i = 0; i < v->n_procs; i++)
        if (strcmp(v->procs[i].file, file) == 0)
            return (int)i;
    msoc_panic("demo: process %s missing from the catalog", file);
}

void dm_vocab_init(dm_vocab *v)
{
    memset(v, 0, sizeof *v);
    v->n_procs = sizeof proc_seed / sizeof proc_seed[0];
    v->procs = msoc_malloc(sizeof proc_seed);
    memcpy(v->procs, proc_seed, sizeof proc_seed);
    for (size_t i = 0; i < v->n_procs; i++) {
        dm_proc_def *p = &v->procs[i];
        /* Same binary, same hashes, in every tenant (as in the real world). */
        char key[512];
        dm_fmt(key, sizeof key, "%s|%s", p->folder, p->version);
        dm_hex_from(key, 256, p->sha256, 64);
        dm_hex_from(key, 160, p->sha1, 40);
        dm_hex_from(key, 128, p->md5, 32);
    }
    const char *boot[6] = {"smss.exe", "wininit.exe", "services.exe", "winlogon.exe", "userinit.exe",
                           "explorer.exe"};
    for (int i = 0; i < 6; i++)
        v->p_system_boot[i] = find_proc(v, boot[i]);
    v->p_svchost = find_proc(v, "svchost.exe");
    v->p_cmd = find_proc(v, "cmd.exe");
    v->p_powershell = find_proc(v, "powershell.exe");
    v->p_conhost = find_proc(v, "conhost.exe");
    v->p_rundll32 = find_proc(v, "rundll32.exe");
    v->p_lsass = find_proc(v, "lsass.exe");
    v->p_bash = find_proc(v, "bash");
    v->p_sshd = find_proc(v, "sshd");
    v->p_cron = find_proc(v, "cron");
    v->p_systemd_like = find_proc(v, "systemd");
    v->win_pick = msoc_calloc(v->n_procs, sizeof *v->win_pick);
    v->lin_pick = msoc_calloc(v->n_procs, sizeof *v->lin_pick);
    for (size_t i = 0; i < v->n_procs; i++) {
        const dm_proc_def *p = &v->procs[i];
        if (p->parent_kind == DM_PK_NONE || (int)i == v->p_sshd || (int)i == v->p_cron)
            continue;
        if (p->is_linux)
            v->lin_pick[v->n_lin_pick++] = i;
        else
            v->win_pick[v->n_win_pick++] = i;
    }
}

void dm_vocab_fini(dm_vocab *v)
{
    msoc_free(v->procs);
    msoc_free(v->win_pick);
    msoc_free(v->lin_pick);
}

int dm_vocab_add(dm_vocab *v, const dm_proc_def *def)
{
    v->procs = msoc_realloc(v->procs, (v->n_procs + 1) * sizeof *v->procs);
    v->procs[v->n_procs] = *def;
    return (int)v->n_procs++;
}

int dm_vocab_proc(const dm_vocab *v, const char *file)
{
    return find_proc(v, file);
}

/* ---- software inventory (TVM): vendor, product, versions oldest first ---- */
const dm_software dm_software_list[] = {
    {"google", "chrome", {"128.0.6613.138", "129.0.6668.101", "130.0.6723.117", "131.0.6778.86"}, 0.92},
    {"microsoft", "edge_chromium", {"128.0.2739.79", "129.0.2792.89", "130.0.2849.80", "131.0.2903.51"}, 0.98},
    {"microsoft", "office", {"16.0.17830.20166", "16.0.17928.20156", "16.0.18025.20160", "16.0.18129.20158"}, 0.9},
    {"microsoft", "teams", {"24215.1007.3082.1590", "24243.1309.3132.617", "24277.3507.3205.5511", "24295.605.3225.8804"}, 0.85},
    {"microsoft", "onedrive", {"24.151.0728.0003", "24.175.0830.0001", "24.189.0915.0001", "24.201.1006.0005"}, 0.9},
    {"mozilla", "firefox", {"128.0.3", "130.0.1", "131.0.3", "132.0.2"}, 0.25},
    {"igor_pavlov", "7-zip", {"22.01", "23.01", "24.07", "24.08"}, 0.45},
    {"notepad-plus-plus", "notepad++", {"8.5.8", "8.6.9", "8.7", "8.7.1"}, 0.3},
    {"adobe", "acrobat_reader_dc", {"24.002.21005", "24.002.20965", "24.003.20180", "24.004.20220"}, 0.6},
    {"zoom", "zoom", {"6.0.11", "6.1.11", "6.2.5", "6.2.10"}, 0.35},
    {"oracle", "jre", {"1.8.0.401", "1.8.0.411", "1.8.0.421", "1.8.0.431"}, 0.2},
    {"openssl", "openssl", {"1.1.1w", "3.0.13", "3.0.14", "3.0.15"}, 0.3},
    {"python", "python", {"3.11.9", "3.12.5", "3.12.6", "3.12.7"}, 0.15},
    {"simon_tatham", "putty", {"0.78", "0.79", "0.80", "0.81"}, 0.12},
    {"rarlab", "winrar", {"6.22", "6.23", "7.00", "7.01"}, 0.1},
    {"videolan", "vlc_media_player", {"3.0.18", "3.0.20", "3.0.21", "3.0.21"}, 0.15},
    {"git-scm", "git", {"2.44.0", "2.45.2", "2.46.2", "2.47.0"}, 0.12},
    {"microsoft", "visual_studio_code", {"1.92.2", "1.93.1", "1.94.2", "1.95.3"}, 0.15},
};
const size_t dm_n_software = sizeof dm_software_list / sizeof dm_software_list[0];
const dm_software dm_linux_software[] = {
    {"openssl", "openssl", {"3.0.2-0ubuntu1.15", "3.0.2-0ubuntu1.16", "3.0.2-0ubuntu1.17", "3.0.2-0ubuntu1.18"}, 1.0},
    {"openbsd", "openssh", {"8.9p1-3ubuntu0.7", "8.9p1-3ubuntu0.8", "8.9p1-3ubuntu0.10", "8.9p1-3ubuntu0.11"}, 1.0},
    {"f5", "nginx", {"1.18.0", "1.22.1", "1.24.0", "1.26.2"}, 0.5},
    {"sudo_project", "sudo", {"1.9.9-1ubuntu2.2", "1.9.9-1ubuntu2.3", "1.9.9-1ubuntu2.4", "1.9.9-1ubuntu2.4"}, 1.0},
    {"gnu", "bash", {"5.1-6ubuntu1", "5.1-6ubuntu1", "5.1-6ubuntu1.1", "5.1-6ubuntu1.1"}, 1.0},
    {"python", "python", {"3.10.12", "3.10.12", "3.10.12", "3.10.12"}, 0.8},
};
const size_t dm_n_linux_software = sizeof dm_linux_software / sizeof dm_linux_software[0];

/* ---- people, places, tenants ---- */
const char *const dm_given[] = {
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Carlos", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra",
    "Priya", "Ashley", "Steven", "Kimberly", "Andrew", "Emily", "Kenji", "Donna", "Joshua", "Michelle",
    "Wei", "Carol", "Ahmed", "Amanda", "Lukas", "Melissa", "Olga", "Deborah", "Ravi", "Stephanie",
    "Fatima", "Rebecca", "Jorge", "Sharon", "Aiko", "Laura", "Ivan", "Cynthia", "Noah", "Amy",
};
const size_t dm_n_given = sizeof dm_given / sizeof dm_given[0];
const char *const dm_surnames[] = {
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen",
    "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
    "Patel", "Kim", "Schmidt", "Mueller", "Tanaka", "Kowalski", "Novak", "Rossi", "Dubois", "Singh",
};
const size_t dm_n_surnames = sizeof dm_surnames / sizeof dm_surnames[0];
const char *const dm_departments[] = {"Finance", "Sales", "Engineering", "IT", "Human Resources",
                                      "Marketing", "Legal", "Operations", "Customer Support",
                                      "Procurement"};
const char *const dm_titles[] = {"Analyst", "Manager", "Engineer", "Specialist", "Coordinator",
                                 "Director", "Administrator", "Consultant", "Associate",
                                 "Team Lead"};
const size_t dm_n_departments = 10;

const char *const dm_org_a[] = {"Northwind", "Contoso", "Fabrikam", "Tailspin", "Woodgrove",
                                "Litware", "Proseware", "Adatum", "Lamna", "Relecloud", "Alpine",
                                "Coho", "Wingtip", "Margie", "Trey", "Fourth Coffee", "Blue Yonder",
                                "Graphic Design", "Humongous", "Wide World", "Southridge",
                                "Lucerne", "VanArsdel", "Datum", "Bellows", "Cascade", "Granite",
                                "Harbor", "Summit", "Evergreen"};
const size_t dm_n_org_a = sizeof dm_org_a / sizeof dm_org_a[0];
const char *const dm_org_b[] = {"Traders", "Health", "Logistics", "Bank", "Energy", "Insurance",
                                "Manufacturing", "Foods", "Airlines", "Legal", "Pharma",
                                "Retail", "Media", "Systems", "Partners", "Utilities"};
const size_t dm_n_org_b = sizeof dm_org_b / sizeof dm_org_b[0];

const dm_place dm_places[] = {
    {"Eastern Standard Time", -300, "US", "New York"},
    {"Central Standard Time", -360, "US", "Chicago"},
    {"Pacific Standard Time", -480, "US", "Seattle"},
    {"Mountain Standard Time", -420, "US", "Denver"},
    {"GMT Standard Time", 0, "GB", "London"},
    {"W. Europe Standard Time", 60, "DE", "Berlin"},
    {"Romance Standard Time", 60, "FR", "Paris"},
    {"Tokyo Standard Time", 540, "JP", "Tokyo"},
    {"AUS Eastern Standard Time", 600, "AU", "Sydney"},
    {"India Standard Time", 330, "IN", "Bengaluru"},
    {"E. South America Standard Time", -180, "BR", "Sao Paulo"},
    {"Singapore Standard Time", 480, "SG", "Singapore"},
};
const size_t dm_n_places = sizeof dm_places / sizeof dm_places[0];

const char *const dm_web_domains[] = {
    "www.office.com", "login.microsoftonline.com", "outlook.office365.com", "teams.microsoft.com",
    "www.google.com", "www.bing.com", "github.com", "www.linkedin.com", "www.youtube.com",
    "sharepoint.com", "www.salesforce.com", "slack.com", "zoom.us", "docs.google.com",
    "www.wikipedia.org", "stackoverflow.com", "www.amazon.com", "news.ycombinator.com",
    "www.bbc.co.uk", "www.reuters.com", "update.googleapis.com", "ctldl.windowsupdate.com",
    "settings-win.data.microsoft.com", "www.dropbox.com", "www.adobe.com",
};
const size_t dm_n_web_domains = sizeof dm_web_domains / sizeof dm_web_domains[0];

const char *const dm_bad_words[] = {"secure", "update", "cdn", "login", "verify", "docs",
                                    "invoice", "portal", "cloud", "sync", "office", "share"};
const size_t dm_n_bad_words = sizeof dm_bad_words / sizeof dm_bad_words[0];
const char *const dm_bad_tlds[] = {"top", "xyz", "info", "online", "biz", "click"};
const size_t dm_n_bad_tlds = sizeof dm_bad_tlds / sizeof dm_bad_tlds[0];
