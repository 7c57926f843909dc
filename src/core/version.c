/* The version string, from CMake's project() version. */
#include "multisoc/multisoc.h"

const char *msoc_version(void)
{
    return MSOC_VERSION_STRING;
}
