#include "probe/result.hpp"

namespace portent::probe {

std::string_view to_string(State state)
{
    switch (state) {
    case State::open: return "open";
    case State::closed: return "closed";
    case State::filtered: return "filtered";
    case State::open_filtered: return "open|filtered";
    case State::error: return "error";
    case State::interrupted: return "interrupted";
    }
    return "";
}

} // namespace portent::probe
