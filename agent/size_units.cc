#include "agent/size_units.h"
