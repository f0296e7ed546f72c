#pragma once

#include "probe/result.hpp"
#include "probe/run.hpp"
#include "probe/target.hpp"

#include <iosfwd>
#include <span>
#include <string>
#include <vector>

// The writers of `portent probe`: a result as a table row or a JSON object, and the progress line.
namespace portent::cli {

// What the probe writers add to every result: what answered (probe --identify) and the bytes read
// (probe --show-answer).
struct ProbeFields
{
    bool identified = false;
    bool received = false;
};

// A result to write, and the target it is of.
struct ShownResult
{
    const probe::Target* target = nullptr;
    const probe::ProbeResult* result = nullptr;
};

// The JSON object of one result: host, address, port, protocol, service, dialogue, state,
// verdict, rtt_ms, answer, detail, tls (see tls_json()). With `fields.identified`, `service` is
// what was identified (null when unknown or not open) and table_service, evidence, product and
// version follow; with `fields.received`, also received (the bytes read, each byte that is not
// part of valid UTF-8 as U+FFFD) and received_base64 (the same bytes exactly, in base64, when
// received cannot hold them; otherwise null). The same for --format json (an array of them) and
// jsonl (one a line). Appended to `text` as it is written (JsonObjectText), on one line.
void append_probe_result_json(std::string& text, const probe::Target& target,
                              const probe::ProbeResult& result, ProbeFields fields = {});

// TARGET ADDRESS STATE VERDICT RTT ANSWER DETAIL, one row per result, in the order given, at
// most `max_width` columns wide (0: no limit; see write_table()). With `fields.identified`:
// TARGET ADDRESS STATE SERVICE PRODUCT VERDICT RTT ANSWER EVIDENCE DETAIL, the service
// flagged where the database names the port otherwise: "ssh (table: EtherNet-IP-1)". With
// `fields.received`, under each row the bytes read, a line each, made visible, after "  | ".
void write_probe_table(std::ostream& out, std::span<const ShownResult> results, std::size_t max_width,
                       ProbeFields fields = {});

// One JSON array of append_probe_result_json() objects, in the order given.
void write_probe_json(std::ostream& out, std::span<const ShownResult> results, ProbeFields fields = {});

// The progress line on a terminal's stderr, once a run has lasted a second: hosts finished,
// targets ended, how many open and answered (`host` names the host of a run that has one).
class ProgressLine
{
public:
    ProgressLine(std::ostream& err, std::string host) : err_(err), host_(std::move(host)) {}
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;
    ~ProgressLine() { clear(); }

    void show(const probe::Progress& progress);
    // Takes the line off the terminal, so that other output can follow.
    void clear();
    // Leaves the line as it stands, ended by a newline: what a stopped run got to.
    void end();

private:
    std::ostream& err_;
    std::string host_;
    std::string last_line_;
    bool shown_ = false;
};

} // namespace portent::cli
