/* convert_angle/energy/force/length/mass/speed/temperature/volume: unit names and
 * factors as Kusto's documentation lists them (the UnitsNet definitions). Each unit
 * is a factor to the quantity's base unit; temperature is affine. An unknown unit
 * gives null. */
#include <math.h>
#include <string.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

typedef struct unit {
    const char *name;
    double to_base; /* value in base units = x * to_base */
} unit;

#define PI_ 3.14159265358979323846
#define BTU 1055.05585262
#define FT 0.3048
#define IN 0.0254
#define USFT (1200.0 / 3937.0)
#define USGAL 3.785411784e-3
#define IMPGAL 4.54609e-3
#define CUFT 0.0283168
#define LBF 4.4482216152605
#define LY 9.46073047258e15
#define PC 3.08567758128e16

static const unit angle_units[] = {
    {"Arcminute", 1.0 / 60},       {"Arcsecond", 1.0 / 3600},    {"Centiradian", 1e-2 * 180 / PI_},
    {"Deciradian", 1e-1 * 180 / PI_}, {"Degree", 1},             {"Gradian", 0.9},
    {"Microdegree", 1e-6},         {"Microradian", 1e-6 * 180 / PI_}, {"Millidegree", 1e-3},
    {"Milliradian", 1e-3 * 180 / PI_}, {"Nanodegree", 1e-9},     {"Nanoradian", 1e-9 * 180 / PI_},
    {"NatoMil", 9.0 / 160},        {"Radian", 180 / PI_},        {"Revolution", 360},
    {NULL, 0}};

static const unit energy_units[] = {
    {"BritishThermalUnit", BTU},   {"Calorie", 4.184},           {"DecathermEc", 1.05505585262e9},
    {"DecathermImperial", 1.05505585257348e9}, {"DecathermUs", 1.054804e9},
    {"ElectronVolt", 1.602176565e-19}, {"Erg", 1e-7},             {"FootPound", 1.355817948},
    {"GigabritishThermalUnit", BTU * 1e9}, {"GigaelectronVolt", 1.602176565e-10},
    {"Gigajoule", 1e9},            {"GigawattDay", 86400e9},     {"GigawattHour", 3600e9},
    {"HorsepowerHour", 2.6845195377e6}, {"Joule", 1},            {"KilobritishThermalUnit", BTU * 1e3},
    {"Kilocalorie", 4184},         {"KiloelectronVolt", 1.602176565e-16}, {"Kilojoule", 1e3},
    {"KilowattDay", 86400e3},      {"KilowattHour", 3600e3},     {"MegabritishThermalUnit", BTU * 1e6},
    {"Megacalorie", 4.184e6},      {"MegaelectronVolt", 1.602176565e-13}, {"Megajoule", 1e6},
    {"MegawattDay", 86400e6},      {"MegawattHour", 3600e6},     {"Millijoule", 1e-3},
    {"TeraelectronVolt", 1.602176565e-7}, {"TerawattDay", 86400e12}, {"TerawattHour", 3600e12},
    {"ThermEc", 1.05505585262e8},  {"ThermImperial", 1.05505585257348e8}, {"ThermUs", 1.054804e8},
    {"WattDay", 86400},            {"WattHour", 3600},           {NULL, 0}};

static const unit force_units[] = {
    {"Decanewton", 10},            {"Dyn", 1e-5},                {"KilogramForce", 9.80665},
    {"Kilonewton", 1e3},           {"KiloPond", 9.80665},        {"KilopoundForce", LBF * 1e3},
    {"Meganewton", 1e6},           {"Micronewton", 1e-6},        {"Millinewton", 1e-3},
    {"Newton", 1},                 {"OunceForce", LBF / 16},     {"Poundal", 0.138254954376},
    {"PoundForce", LBF},           {"ShortTonForce", LBF * 2000}, {"TonneForce", 9806.65},
    {NULL, 0}};

static const unit length_units[] = {
    {"Angstrom", 1e-10},           {"AstronomicalUnit", 1.4959787070e11}, {"Centimeter", 1e-2},
    {"Chain", 20.1168},            {"DataMile", 1828.8},         {"Decameter", 10},
    {"Decimeter", 1e-1},           {"DtpPica", IN / 6},          {"DtpPoint", IN / 72},
    {"Fathom", 1.8288},            {"Foot", FT},                 {"Hand", 0.1016},
    {"Hectometer", 100},           {"Inch", IN},                 {"KilolightYear", LY * 1e3},
    {"Kilometer", 1e3},            {"Kiloparsec", PC * 1e3},     {"LightYear", LY},
    {"MegalightYear", LY * 1e6},   {"Megaparsec", PC * 1e6},     {"Meter", 1},
    {"Microinch", IN * 1e-6},      {"Micrometer", 1e-6},         {"Mil", IN * 1e-3},
    {"Mile", 1609.344},            {"Millimeter", 1e-3},         {"Nanometer", 1e-9},
    {"NauticalMile", 1852},        {"Parsec", PC},               {"PrinterPica", IN / 6.0225},
    {"PrinterPoint", IN / 72.27},  {"Shackle", 27.432},          {"SolarRadius", 6.95510000e8},
    {"Twip", IN / 1440},           {"UsSurveyFoot", USFT},       {"Yard", 0.9144},
    {NULL, 0}};

static const unit mass_units[] = {
    {"Centigram", 1e-5},           {"Decagram", 1e-2},           {"Decigram", 1e-4},
    {"EarthMass", 5.9722e24},      {"Grain", 6.479891e-5},       {"Gram", 1e-3},
    {"Hectogram", 0.1},            {"Kilogram", 1},              {"Kilopound", 453.59237},
    {"Kilotonne", 1e6},            {"LongHundredweight", 50.80234544}, {"LongTon", 1016.0469088},
    {"Megapound", 453592.37},      {"Megatonne", 1e9},           {"Microgram", 1e-9},
    {"Milligram", 1e-6},           {"Nanogram", 1e-12},          {"Ounce", 0.028349523125},
    {"Pound", 0.45359237},         {"ShortHundredweight", 45.359237}, {"ShortTon", 907.18474},
    {"Slug", 14.593902937206364},  {"SolarMass", 1.98947e30},    {"Stone", 6.35029318},
    {"Tonne", 1e3},                {NULL, 0}};

static const unit speed_units[] = {
    {"CentimeterPerHour", 1e-2 / 3600}, {"CentimeterPerMinute", 1e-2 / 60}, {"CentimeterPerSecond", 1e-2},
    {"DecimeterPerMinute", 1e-1 / 60}, {"DecimeterPerSecond", 1e-1},  {"FootPerHour", FT / 3600},
    {"FootPerMinute", FT / 60},    {"FootPerSecond", FT},        {"InchPerHour", IN / 3600},
    {"InchPerMinute", IN / 60},    {"InchPerSecond", IN},        {"KilometerPerHour", 1 / 3.6},
    {"KilometerPerMinute", 1e3 / 60}, {"KilometerPerSecond", 1e3}, {"Knot", 1852.0 / 3600},
    {"MeterPerHour", 1.0 / 3600},  {"MeterPerMinute", 1.0 / 60}, {"MeterPerSecond", 1},
    {"MicrometerPerMinute", 1e-6 / 60}, {"MicrometerPerSecond", 1e-6}, {"MilePerHour", 0.44704},
    {"MillimeterPerHour", 1e-3 / 3600}, {"MillimeterPerMinute", 1e-3 / 60}, {"MillimeterPerSecond", 1e-3},
    {"NanometerPerMinute", 1e-9 / 60}, {"NanometerPerSecond", 1e-9}, {"UsSurveyFootPerHour", USFT / 3600},
    {"UsSurveyFootPerMinute", USFT / 60}, {"UsSurveyFootPerSecond", USFT}, {"YardPerHour", 0.9144 / 3600},
    {"YardPerMinute", 0.9144 / 60}, {"YardPerSecond", 0.9144},  {NULL, 0}};

static const unit volume_units[] = {
    {"AcreFoot", 1 / 0.000810714}, {"AuTablespoon", 2e-5},       {"BoardFoot", 2.3597372158e-3},
    {"Centiliter", 1e-5},          {"CubicCentimeter", 1e-6},    {"CubicDecimeter", 1e-3},
    {"CubicFoot", CUFT},           {"CubicHectometer", 1e6},     {"CubicInch", 1.6387e-5},
    {"CubicKilometer", 1e9},       {"CubicMeter", 1},            {"CubicMicrometer", 1e-18},
    {"CubicMile", 4.16818182544058e9}, {"CubicMillimeter", 1e-9}, {"CubicYard", 0.764554858},
    {"Decaliter", 1e-2},           {"DecausGallon", USGAL * 10}, {"Deciliter", 1e-4},
    {"DeciusGallon", USGAL / 10},  {"HectocubicFoot", CUFT * 100}, {"HectocubicMeter", 100},
    {"Hectoliter", 0.1},           {"HectousGallon", USGAL * 100}, {"ImperialBeerBarrel", 0.16365924},
    {"ImperialGallon", IMPGAL},    {"ImperialOunce", 2.8413062499962901241875439064617e-5},
    {"ImperialPint", 5.682612500e-4}, {"KilocubicFoot", CUFT * 1e3}, {"KilocubicMeter", 1e3},
    {"KiloimperialGallon", IMPGAL * 1e3}, {"Kiloliter", 1},      {"KilousGallon", USGAL * 1e3},
    {"Liter", 1e-3},               {"MegacubicFoot", CUFT * 1e6}, {"MegaimperialGallon", IMPGAL * 1e6},
    {"Megaliter", 1e3},            {"MegausGallon", USGAL * 1e6}, {"MetricCup", 2.5e-4},
    {"MetricTeaspoon", 0.5e-5},    {"Microliter", 1e-9},         {"Milliliter", 1e-6},
    {"OilBarrel", 0.158987294928}, {"UkTablespoon", 1.5e-5},     {"UsBeerBarrel", 0.1173477658},
    {"UsCustomaryCup", 2.365882365e-4}, {"UsGallon", USGAL},     {"UsLegalCup", 2.4e-4},
    {"UsOunce", 2.957352956253760505068307980135e-5}, {"UsPint", 4.73176473e-4},
    {"UsQuart", 9.46352946e-4},    {"UsTablespoon", 1.478676478125e-5},
    {"UsTeaspoon", 4.92892159375e-6}, {NULL, 0}};

static const unit *find_unit(const unit *tab, msoc_str name)
{
    for (const unit *u = tab; u->name; u++)
        if (msoc_str_eq_c(name, u->name))
            return u;
    return NULL;
}

static void convert_by(xq *q, const unit *tab, const xval *a, xval *out)
{
    msoc_str from = msoc_exec__to_text(q, a[1]), to = msoc_exec__to_text(q, a[2]);
    const unit *uf = find_unit(tab, from), *ut = find_unit(tab, to);
    if (uf == NULL || ut == NULL)
        return;
    double x = msoc_exec__convert(q, a[0], MSOC_TYPE_REAL).r;
    *out = xv_real(uf == ut ? x : x * uf->to_base / ut->to_base);
}

#define CONVERTER(fname, table)                                                                    \
    ROW(fname)                                                                                     \
    {                                                                                              \
        (void)n_args;                                                                              \
        convert_by(q, table, a, out);                                                              \
    }
CONVERTER(f_convert_angle, angle_units)
CONVERTER(f_convert_energy, energy_units)
CONVERTER(f_convert_force, force_units)
CONVERTER(f_convert_length, length_units)
CONVERTER(f_convert_mass, mass_units)
CONVERTER(f_convert_speed, speed_units)
CONVERTER(f_convert_volume, volume_units)

/* Temperatures: to and from kelvin, unit by unit. */
static bool temp_to_kelvin(msoc_str u, double x, double *k)
{
    if (msoc_str_eq_c(u, "Kelvin"))
        *k = x;
    else if (msoc_str_eq_c(u, "DegreeCelsius"))
        *k = x + 273.15;
    else if (msoc_str_eq_c(u, "MillidegreeCelsius"))
        *k = x / 1000 + 273.15;
    else if (msoc_str_eq_c(u, "DegreeFahrenheit"))
        *k = (x + 459.67) * 5 / 9;
    else if (msoc_str_eq_c(u, "DegreeRankine"))
        *k = x * 5 / 9;
    else if (msoc_str_eq_c(u, "DegreeDelisle"))
        *k = 373.15 - x * 2 / 3;
    else if (msoc_str_eq_c(u, "DegreeNewton"))
        *k = x * 100 / 33 + 273.15;
    else if (msoc_str_eq_c(u, "DegreeReaumur"))
        *k = x * 5 / 4 + 273.15;
    else if (msoc_str_eq_c(u, "DegreeRoemer"))
        *k = (x - 7.5) * 40 / 21 + 273.15;
    else if (msoc_str_eq_c(u, "SolarTemperature"))
        *k = x * 5778;
    else
        return false;
    return true;
}

static bool temp_from_kelvin(msoc_str u, double k, double *x)
{
    if (msoc_str_eq_c(u, "Kelvin"))
        *x = k;
    else if (msoc_str_eq_c(u, "DegreeCelsius"))
        *x = k - 273.15;
    else if (msoc_str_eq_c(u, "MillidegreeCelsius"))
        *x = (k - 273.15) * 1000;
    else if (msoc_str_eq_c(u, "DegreeFahrenheit"))
        *x = k * 9 / 5 - 459.67;
    else if (msoc_str_eq_c(u, "DegreeRankine"))
        *x = k * 9 / 5;
    else if (msoc_str_eq_c(u, "DegreeDelisle"))
        *x = (373.15 - k) * 3 / 2;
    else if (msoc_str_eq_c(u, "DegreeNewton"))
        *x = (k - 273.15) * 33 / 100;
    else if (msoc_str_eq_c(u, "DegreeReaumur"))
        *x = (k - 273.15) * 4 / 5;
    else if (msoc_str_eq_c(u, "DegreeRoemer"))
        *x = (k - 273.15) * 21 / 40 + 7.5;
    else if (msoc_str_eq_c(u, "SolarTemperature"))
        *x = k / 5778;
    else
        return false;
    return true;
}

ROW(f_convert_temperature)
{
    (void)n_args;
    msoc_str from = msoc_exec__to_text(q, a[1]), to = msoc_exec__to_text(q, a[2]);
    double x = msoc_exec__convert(q, a[0], MSOC_TYPE_REAL).r, k, r;
    if (!temp_to_kelvin(from, x, &k) || !temp_from_kelvin(to, k, &r))
        return;
    *out = xv_real(msoc_str_eq(from, to) ? x : r);
}

void msoc_exec__fn_register_units(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, true}
    REG(CONVERT_ANGLE, f_convert_angle);
    REG(CONVERT_ENERGY, f_convert_energy);
    REG(CONVERT_FORCE, f_convert_force);
    REG(CONVERT_LENGTH, f_convert_length);
    REG(CONVERT_MASS, f_convert_mass);
    REG(CONVERT_SPEED, f_convert_speed);
    REG(CONVERT_TEMPERATURE, f_convert_temperature);
    REG(CONVERT_VOLUME, f_convert_volume);
#undef REG
}
