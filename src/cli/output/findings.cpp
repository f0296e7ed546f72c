#include "cli/output/findings.hpp"

#include "cli/output.hpp"
#include "cli/text.hpp"

#include <boost/json/object.hpp>

#include <ostream>

namespace portent::cli {

void write_findings(std::ostream& out, std::span<const Finding> findings, OutputFormat format)
{
    if (format == OutputFormat::json) {
        JsonArrayWriter array(out);
        for (const Finding& finding : findings)
            array.add(boost::json::object{{"source", valid_utf8(finding.source)},
                                          {"line", finding.diagnostic.line},
                                          {"message", valid_utf8(finding.diagnostic.message)}});
        array.finish();
        return;
    }
    for (const Finding& finding : findings)
        out << visible(finding.source) << ':' << finding.diagnostic.line << ": "
            << visible(finding.diagnostic.message) << '\n';
}

} // namespace portent::cli
