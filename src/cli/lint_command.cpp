#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/output/findings.hpp"
#include "services/lint.hpp"
#include "services/source.hpp"

#include <ostream>

namespace portent::cli {

namespace {

void collect(const services::Table& table, std::vector<Finding>& findings)
{
    for (services::Diagnostic& diagnostic : services::lint(table))
        findings.push_back({table.sources()[diagnostic.source].name, std::move(diagnostic)});
}

int run_lint(Context& context)
{
    context.refuse_options("lint", {"first", "proto"});
    const OutputFormat format = context.output_format();
    std::vector<Finding> findings;
    std::size_t entry_count = 0;
    std::size_t unreadable = 0;
    // Sources that cannot be read are reported, one line each, and the others still linted.
    auto lint_sources = [&](std::span<const std::string> specs) {
        std::string note;
        std::vector<std::string> errors;
        const services::Table table =
            services::load_database(specs, context.global.db_format, &note, &errors);
        if (!note.empty())
            print_message(context.err, "note: " + note);
        for (const std::string& error : errors)
            print_message(context.err, error);
        unreadable += errors.size();
        entry_count += table.entries().size();
        collect(table, findings);
    };
    if (context.arguments.empty())
        lint_sources(context.global.databases); // together: an earlier source's names count
    for (const std::string& path : context.arguments)
        lint_sources(std::span<const std::string>(&path, 1));
    write_findings(context.out, findings, format);
    context.out.flush();
    if (context.err_is_terminal)
        context.err << "portent: lint: " << entry_count << " entries, " << findings.size()
                    << (findings.size() == 1 ? " problem\n" : " problems\n");
    return findings.empty() && unreadable == 0 ? exit_code::ok : exit_code::failure;
}

} // namespace

const Command& lint_command()
{
    static const Command command{
        "lint",
        "[FILE...]",
        "report problems in services files as FILE:LINE: reason (exit status 1 when any)",
        "Checks each FILE ('-': standard input; default: the --db sources, together) for lines that\n"
        "cannot be read, names or aliases that an earlier entry already defines for the same protocol,\n"
        "what glibc reads otherwise than it looks (ports in octal or hexadecimal, several slashes, a\n"
        "'#' inside a word, a protocol holding '/' or capitals, \\v, \\f or \\r between fields), and\n"
        "control characters (C0, DEL, C1) or bidirectional controls in any field or comment. A FILE\n"
        "that cannot be read is reported and the others still checked.\n",
        {},
        run_lint,
        {OutputFormat::table, OutputFormat::json},
        OutputFormat::table};
    return command;
}

} // namespace portent::cli
