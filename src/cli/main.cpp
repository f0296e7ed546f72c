#include "cli/run.hpp"

int main(int argc, char** argv)
{
    return portent::cli::run(argc, argv);
}
