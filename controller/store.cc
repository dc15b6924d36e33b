#include "controller/store.h"
