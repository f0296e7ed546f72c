#include "cli/run.hpp"

#include "cli/command.hpp"
#include "cli/completion.hpp"
#include "cli/output.hpp"
#include "services/source.hpp"
#include "util/number.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <new>
#include <span>
#include <sys/ioctl.h>
#include <unistd.h>

namespace po = boost::program_options;

namespace portent::cli {

namespace {

constexpr std::string_view program = "portent";

const Command* find_command(std::string_view name)
{
    for (const Command* command : commands())
        if (command->name == name)
            return command;
    return nullptr;
}

// "'table', 'json' or 'jsonl'"
std::string quoted_formats(std::span<const OutputFormat> formats)
{
    std::string text;
    for (std::size_t i = 0; i < formats.size(); ++i)
        text += (i == 0                    ? "'"
                 : i + 1 == formats.size() ? " or '"
                                           : ", '") +
                std::string(to_string(formats[i])) + "'";
    return text;
}

} // namespace

po::options_description global_options(const Command* command)
{
    std::string format =
        "output as 'table', 'services', 'json' or 'jsonl', as the command writes them (see its "
        "--help; default: table on a terminal)";
    if (command) {
        format = "output as " + quoted_formats(command->formats) + " (default: table";
        format += command->piped_format == OutputFormat::table
                      ? ")"
                      : " on a terminal, " + std::string(to_string(command->piped_format)) + " otherwise)";
    }
    po::options_description options("Global options");
    options.add_options()(
        "db", po::value<std::vector<std::string>>()->value_name("SOURCE"),
        "database to read: a file, 'system' (/etc/services), 'embedded' or '-' (standard input); repeat to "
        "merge: the first listed wins (default: system, or embedded when /etc/services cannot be read)")(
        "db-format", po::value<std::string>()->value_name("FORMAT"),
        "read --db files as 'services', 'nmap' or 'iana-csv' (default: detected from the content)")(
        "proto,p", po::value<std::string>()->value_name("PROTO"),
        "only entries of this protocol (tcp, udp, …), for queries without their own /PROTO")(
        "format", po::value<std::string>()->value_name("FORMAT"), format.c_str())(
        "first",
        "only the first match of each query in file order, as getservbyname(3) answers (lookup, probe)")(
        "help,h", "show this help, or a command's help after its name")("version", "print the version");
    return options;
}

namespace {

// The width of the terminal on stdout: COLUMNS when it is a positive number (as ls and ps
// read it), else what the terminal says; 0 when neither tells.
std::size_t terminal_width()
{
    if (const char* columns = std::getenv("COLUMNS"))
        if (const auto value = util::to_number<std::size_t>(columns); value && *value > 0)
            return *value;
    winsize size{};
    return ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
}

// Positional arguments are collected under this name.
constexpr const char* arguments_key = "argument";

void print_main_help(std::ostream& out, const po::options_description& global)
{
    out << "usage: portent [GLOBAL] [lookup] QUERY...\n"
           "       portent [GLOBAL] COMMAND [ARGS...]\n\n"
           "Look up services and ports in /etc/services, nmap-services or the IANA registry,\n"
           "and check that services answer.\n\n"
           "QUERY: NAME | NAME/PROTO | PORT | PORT/PROTO | LO-HI | LO-HI/PROTO\n\n"
           "Commands:\n";
    for (const Command* command : commands())
        out << "  " << command->name << std::string(11 - command->name.size(), ' ') << command->summary
            << '\n';
    out << '\n'
        << global << '\n'
        << "Examples:\n"
           "  portent daytime http                      every entry of daytime and http\n"
           "  portent --first --format services 443     what `getent services 443` prints\n"
           "  portent 6000-6063/tcp                     the entries in a port range\n"
           "  portent --db iana.csv 6010                IANA's x11 range 6000-6063 holds 6010\n"
           "  portent --db nmap-services list --top 10  the ten ports most often found open\n"
           "  portent search kerberos                   names, aliases and comments, any case\n"
           "  portent probe localhost daytime           does daytime answer on 13/tcp and 13/udp?\n"
           "  portent local                             what listens here, and its processes\n\n"
           "Exit status: 0 every query found something (every probe answered), 2 some did not,\n"
           "1 usage or database error. `portent COMMAND --help` tells more.\n";
}

void print_command_help(std::ostream& out, const Command& command, const po::options_description& global)
{
    out << "usage: portent [GLOBAL] " << command.name << ' ' << command.usage << "\n\n"
        << command.summary << "\n";
    if (!command.details.empty())
        out << '\n' << command.details;
    if (!command.options.options().empty())
        out << '\n' << command.options;
    out << '\n' << global;
}

OutputFormat parse_output_format(const std::string& name)
{
    std::string names;
    for (const OutputFormatName& named : output_format_names) {
        if (named.name == name)
            return named.format;
        names.append(names.empty() ? "" : ", ").append(named.name);
    }
    throw UsageError("--format: unknown format '" + name + "' (" + names + ")");
}

GlobalOptions read_global_options(const po::variables_map& values)
{
    GlobalOptions global;
    if (values.count("db"))
        global.databases = values["db"].as<std::vector<std::string>>();
    if (values.count("db-format")) {
        const auto& name = values["db-format"].as<std::string>();
        global.db_format = services::format_from_string(name);
        if (!global.db_format)
            throw UsageError("--db-format: unknown format '" + name + "' (services, nmap, iana-csv)");
    }
    if (values.count("proto")) {
        global.protocol = values["proto"].as<std::string>();
        // -p=udp gives the value "=udp": a short option's value follows it without '='.
        if (global.protocol->starts_with('='))
            throw UsageError("-p/--proto: the protocol '" + *global.protocol +
                             "' starts with '='; write -p " + global.protocol->substr(1) +
                             " or --proto=" + global.protocol->substr(1));
    }
    if (values.count("format"))
        global.format = parse_output_format(values["format"].as<std::string>());
    global.first = values.count("first") > 0;
    return global;
}

// Every option of every command is parsed at once (so that Boost alone decides what is an
// option's value); the first positional argument names the command, and an option of another
// command is a usage error.
int run_command(int argc, char** argv)
{
    const po::options_description global = global_options();
    po::options_description every_option = global;
    for (const Command* command : commands())
        for (const auto& option : command->options.options()) // an option that several commands have, once
            if (every_option.find_nothrow(option->long_name(), false) == nullptr)
                every_option.add(option);
    every_option.add_options()(arguments_key, po::value<std::vector<std::string>>());
    po::positional_options_description positional;
    positional.add(arguments_key, -1);
    const auto style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    const po::parsed_options parsed =
        po::command_line_parser(argc, argv).options(every_option).positional(positional).style(style).run();
    po::variables_map values;
    po::store(parsed, values);
    po::notify(values);

    std::vector<std::string> arguments;
    if (values.count(arguments_key))
        arguments = values[arguments_key].as<std::vector<std::string>>();
    const Command* command = arguments.empty() ? nullptr : find_command(arguments.front());
    const bool explicit_command = command != nullptr;
    if (explicit_command)
        arguments.erase(arguments.begin());
    else
        command = &lookup_command();
    for (const po::option& option : parsed.options)
        if (option.string_key != arguments_key && !global.find_nothrow(option.string_key, false) &&
            !command->options.find_nothrow(option.string_key, false))
            throw UsageError("--" + option.string_key + " is not an option of '" +
                             std::string(command->name) + "'");

    if (values.count("version")) {
        std::cout << program << ' ' << PORTENT_VERSION << '\n';
        return exit_code::ok;
    }
    if (values.count("help")) {
        if (explicit_command)
            print_command_help(std::cout, *command, global_options(command));
        else
            print_main_help(std::cout, global);
        return exit_code::ok;
    }
    if (arguments.empty() && !explicit_command)
        throw UsageError("give a QUERY or a COMMAND");
    Context context{read_global_options(values),  std::move(arguments),        values, std::cout, std::cerr,
                    ::isatty(STDOUT_FILENO) == 1, ::isatty(STDERR_FILENO) == 1};
    context.command = command;
    // Boost takes every word after "--" as positional and drops the "--": they end the arguments.
    const auto dashes =
        std::find_if(argv + 1, argv + argc, [](const char* word) { return std::string_view(word) == "--"; });
    if (dashes != argv + argc) {
        const auto after = static_cast<std::size_t>(argv + argc - dashes - 1);
        context.arguments_before_dashes =
            context.arguments.size() - std::min(after, context.arguments.size());
    }
    if (context.out_is_terminal)
        context.table_width = terminal_width();
    context.command_named = explicit_command;
    return command->run(context);
}

} // namespace

std::span<const Command* const> commands()
{
    static const std::array list = {&lookup_command(),    &list_command(),  &search_command(),
                                    &lint_command(),      &probe_command(), &local_command(),
                                    &completion_command()};
    return list;
}

std::string_view to_string(OutputFormat format)
{
    for (const OutputFormatName& named : output_format_names)
        if (named.format == format)
            return named.name;
    return "";
}

services::Table Context::load_table(const TableScan& scan) const
{
    std::string note;
    std::optional<services::Table> table;
    if (scan)
        table = scan(&note);
    if (!table)
        table = services::load_database(global.databases, global.db_format, &note);
    if (!note.empty())
        print_message(err, "note: " + note);
    return std::move(*table);
}

OutputFormat Context::output_format() const
{
    const OutputFormat format =
        global.format.value_or(out_is_terminal ? OutputFormat::table : command->piped_format);
    if (std::ranges::find(command->formats, format) == command->formats.end())
        throw UsageError("--format: " + std::string(command->name) + " writes " +
                         quoted_formats(command->formats) + ", not '" + std::string(to_string(format)) + "'");
    return format;
}

services::Query Context::query(std::string_view text) const
{
    services::Query query = services::parse_query(text);
    if (!query.protocol)
        query.protocol = global.protocol;
    return query;
}

std::size_t read_whole_number(std::string_view option, const std::string& text, bool positive)
{
    const auto value = util::to_number<std::size_t>(text);
    if (!value || (positive && *value == 0))
        throw UsageError(std::string(option) + ": '" + text + "' is not a " + (positive ? "positive " : "") +
                         "whole number");
    return *value;
}

services::ProtocolFilter Context::protocol() const
{
    return global.protocol ? services::ProtocolFilter(*global.protocol) : std::nullopt;
}

void Context::check_protocol(const services::Table& table) const
{
    if (!global.protocol)
        return;
    std::vector<std::string_view> protocols; // the first few, in file order
    for (const services::Entry& entry : table.entries()) {
        if (entry.protocol() == *global.protocol)
            return;
        if (protocols.size() < 8 && std::ranges::find(protocols, entry.protocol()) == protocols.end())
            protocols.push_back(entry.protocol());
    }
    std::string have;
    for (std::string_view protocol : protocols)
        have += (have.empty() ? "" : ", ") + (protocol.empty() ? std::string("none") : std::string(protocol));
    throw UsageError("-p " + *global.protocol + ": no entry of " + source_names(table) +
                     " has that protocol (" +
                     (have.empty() ? std::string("it has no entries") : "they have " + have) + ")");
}

void Context::refuse_options(std::string_view command, std::initializer_list<std::string_view> names) const
{
    for (std::string_view name : names)
        if (options.count(std::string(name)))
            throw UsageError("--" + std::string(name) + " is not an option of '" + std::string(command) +
                             "'");
}

std::vector<std::string_view> command_names()
{
    std::vector<std::string_view> names;
    names.reserve(commands().size());
    for (const Command* command : commands())
        names.push_back(command->name);
    return names;
}

int run(int argc, char** argv)
{
    std::ios::sync_with_stdio(false);
    if (argc > 1 && std::string_view(argv[1]) == "__complete") // words, not options: never parsed
        return run_complete(std::vector<std::string>(argv + 2, argv + argc));
    try {
        const int code = run_command(argc, argv);
        std::cout.flush();
        if (!std::cout) { // a full disk, a closed pipe: the output is not all there
            print_message(std::cerr, std::string("cannot write the output: ") + std::strerror(errno));
            return exit_code::failure;
        }
        return code;
    } catch (const po::error& error) {
        print_message(std::cerr, std::string(error.what()) + " (see 'portent --help')");
    } catch (const UsageError& error) {
        print_message(std::cerr, std::string(error.what()) + " (see 'portent --help')");
    } catch (const std::bad_alloc&) { // what() would say only "std::bad_alloc"
        print_message(std::cerr, "out of memory (is there a limit: ulimit -v?)");
    } catch (const std::exception& error) {
        print_message(std::cerr, error.what());
    }
    return exit_code::failure;
}

} // namespace portent::cli
