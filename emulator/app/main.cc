#include "emulator/app/cli.h"

int main(int argc, char** argv) { return hayloft::app::main(argc, argv); }
