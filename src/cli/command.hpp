#pragma once

#include "services/parse.hpp"
#include "services/query.hpp"
#include "services/table.hpp"

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>

#include <array>
#include <functional>
#include <iosfwd>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace portent::cli {

namespace exit_code {
inline constexpr int ok = 0;        // every query found something, every target answered
inline constexpr int failure = 1;   // usage error, unreadable database, …
inline constexpr int not_found = 2; // some query found nothing, some target did not answer (as getent)
} // namespace exit_code

// A mistake in the command line: printed with a hint to --help, exit code 1.
class UsageError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

enum class OutputFormat
{
    table,
    services,
    json,
    jsonl // one JSON object a line, each written as it is ready
};

struct OutputFormatName
{
    std::string_view name;
    OutputFormat format;
};

// The names --format takes.
inline constexpr std::array output_format_names = {
    OutputFormatName{"table", OutputFormat::table}, OutputFormatName{"services", OutputFormat::services},
    OutputFormatName{"json", OutputFormat::json}, OutputFormatName{"jsonl", OutputFormat::jsonl}};

[[nodiscard]] std::string_view to_string(OutputFormat format);

struct Command;

struct GlobalOptions
{
    std::vector<std::string> databases;        // --db, in order
    std::optional<services::Format> db_format; // --db-format
    std::optional<std::string> protocol;       // -p/--proto
    std::optional<OutputFormat> format;        // --format, when given
    bool first = false;                        // --first
};

// What a command runs with: the parsed options, its positional arguments and the streams.
struct Context
{
    GlobalOptions global;
    std::vector<std::string> arguments; // positional arguments after the command name
    const boost::program_options::variables_map& options;
    std::ostream& out;
    std::ostream& err;
    bool out_is_terminal = false;
    bool err_is_terminal = false;
    std::size_t table_width = 0;      // the terminal's width when stdout is one (COLUMNS first), else 0
    const Command* command = nullptr; // the command that runs
    bool command_named = false;       // the command was named, not taken as lookup by default
    // When the line has "--": how many of `arguments` come before it (the rest follow it).
    std::optional<std::size_t> arguments_before_dashes{};

    // A scan that answers a command from a part of the database read a block at a time
    // (services::load_all_matches(), …), given where to put the fallback note; nullopt when it
    // cannot tell.
    using TableScan = std::function<std::optional<services::Table>(std::string* note)>;
    // The --db sources, or the default; prints the fallback note on stderr. Given a scan: what
    // it gives, or the whole database where it cannot tell.
    [[nodiscard]] services::Table load_table(const TableScan& scan = {}) const;
    // --format, or table on a terminal and the command's piped_format elsewhere; a format that
    // the command does not write (Command::formats) is a usage error.
    [[nodiscard]] OutputFormat output_format() const;
    // The -p/--proto filter for keys without their own /PROTO.
    [[nodiscard]] services::ProtocolFilter protocol() const;
    // A QUERY argument, with -p/--proto as its protocol when it names none.
    [[nodiscard]] services::Query query(std::string_view text) const;
    // With -p PROTO that no entry of the table has: a usage error that says which protocols it has.
    void check_protocol(const services::Table& table) const;
    // Whether more than one --db source is read (tables then show where each entry is from).
    [[nodiscard]] bool several_sources() const { return global.databases.size() > 1; }
    // A usage error when one of these global options, which `command` has no use for, is given.
    void refuse_options(std::string_view command, std::initializer_list<std::string_view> names) const;
};

// The entries that output in `format` can show: for services(5) lines, those a line can hold
// (services::fits_services_line); nullptr (every entry) for the others.
[[nodiscard]] services::EntryFilter entry_filter(OutputFormat format);

// Of `candidates` (entry indices in file order), those that `list` shows in `format`: none that
// an earlier source hides (services::hidden_by_earlier_sources()), and only those that
// entry_filter() takes; `left_out` is set to how many it does not take.
[[nodiscard]] std::vector<std::uint32_t> listed_entries(const services::Table& table,
                                                        std::vector<std::uint32_t> candidates,
                                                        OutputFormat format, std::size_t& left_out);

// Of `listed` (listed_entries()), the `count` with the highest open-frequency, the earlier
// first among equals: what `list --top N` shows. A database without frequencies is an error.
[[nodiscard]] std::vector<std::uint32_t> most_frequent(const services::Table& table,
                                                       std::vector<std::uint32_t> listed, std::size_t count);

// The names of the commands, for hints.
[[nodiscard]] std::vector<std::string_view> command_names();

// The value of `option` as a whole number (above 0 when `positive`); a UsageError otherwise
// (Boost would take "-1" for a huge unsigned number).
[[nodiscard]] std::size_t read_whole_number(std::string_view option, const std::string& text, bool positive);

struct Command
{
    std::string_view name;
    std::string_view usage;   // after "portent [GLOBAL] NAME "
    std::string_view summary; // one line for the command list
    std::string_view details; // the rest of `portent NAME --help`
    boost::program_options::options_description options;
    int (*run)(Context&) = nullptr;
    // The --format values the command writes, as its help lists them, and what it writes when
    // --format is not given and stdout is not a terminal (a terminal gets a table).
    std::vector<OutputFormat> formats{OutputFormat::table, OutputFormat::services, OutputFormat::json};
    OutputFormat piped_format = OutputFormat::services;
};

// Every command, in the order `portent --help` lists them.
[[nodiscard]] std::span<const Command* const> commands();
// The options every command takes (--db, --format, …); --format is described as `command`
// writes it, or for every command when there is none.
[[nodiscard]] boost::program_options::options_description global_options(const Command* command = nullptr);

const Command& lookup_command();
const Command& list_command();
const Command& search_command();
const Command& lint_command();
const Command& probe_command();
const Command& local_command();
const Command& completion_command();

} // namespace portent::cli
