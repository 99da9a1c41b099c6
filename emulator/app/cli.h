#pragma once
// The `hayloft` command line: `up` runs the stack; every other verb is a client of a running
// `up` over the admin API.
namespace hayloft::app {
int main(int argc, char** argv);
}
