// libFuzzer: the services(5) parser on any bytes (parse_checks.hpp).
#include "parse_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    portent::fuzz::check_parse(portent::fuzz::text_of(data, size), portent::services::Format::services);
    return 0;
}
