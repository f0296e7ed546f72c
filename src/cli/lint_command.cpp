#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/text.hpp"
#include "services/lint.hpp"
#include "services/source.hpp"

#include <ostream>

namespace portent::cli {

namespace {

struct Finding
{
    std::string source;
    services::Diagnostic diagnostic;
};

void collect(const services::Table& table, std::vector<Finding>& findings)
{
    for (services::Diagnostic& diagnostic : services::lint(table))
        findings.push_back({table.sources()[diagnostic.source].name, std::move(diagnostic)});
}

int run_lint(Context& context)
{
    const OutputFormat format =
        context.output_format({OutputFormat::table, OutputFormat::json}, OutputFormat::table);
    std::vector<Finding> findings;
    std::size_t entry_count = 0;
    if (context.arguments.empty()) {
        const services::Table table = context.load_table();
        entry_count = table.entries().size();
        collect(table, findings);
    }
    for (const std::string& path : context.arguments) {
        const std::string spec[] = {path};
        const services::Table table = services::load_database(spec, context.global.db_format);
        entry_count += table.entries().size();
        collect(table, findings);
    }
    if (format == OutputFormat::json) {
        JsonArrayWriter array(context.out);
        for (const Finding& finding : findings)
            array.add(boost::json::object{{"source", valid_utf8(finding.source)},
                                          {"line", finding.diagnostic.line},
                                          {"message", valid_utf8(finding.diagnostic.message)}});
        array.finish();
    } else {
        for (const Finding& finding : findings)
            context.out << visible(finding.source) << ':' << finding.diagnostic.line << ": "
                        << visible(finding.diagnostic.message) << '\n';
    }
    context.out.flush();
    if (context.err_is_terminal)
        context.err << "portent: lint: " << entry_count << " entries, " << findings.size()
                    << (findings.size() == 1 ? " problem\n" : " problems\n");
    return findings.empty() ? exit_code::ok : exit_code::failure;
}

} // namespace

const Command& lint_command()
{
    static const Command command{
        "lint",
        "[FILE...]",
        "report problems in services files as FILE:LINE: reason (exit status 1 when any)",
        "Checks each FILE (default: the --db sources) for lines that cannot be read and for names\n"
        "or aliases that an earlier entry already defines for the same protocol.\n",
        {},
        run_lint,
        {OutputFormat::table, OutputFormat::json},
        OutputFormat::table};
    return command;
}

} // namespace portent::cli
