// Prints the port and protocols of each name given, from portent's embedded database.
#include "services/source.hpp"

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    const std::vector<std::string> sources = {"embedded"};
    const portent::services::Table table = portent::services::load_database(sources, std::nullopt);
    for (int index = 1; index < argc; ++index)
        for (std::uint32_t found : table.find_by_name(argv[index])) {
            const portent::services::Entry& entry = table.entry(found);
            std::cout << entry.name() << ' ' << entry.port_first() << '/' << entry.protocol() << '\n';
        }
    return 0;
}
