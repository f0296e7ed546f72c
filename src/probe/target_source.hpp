#pragma once

#include "probe/target.hpp"
#include "probe/targets.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

// Internal to the probe runner: the targets of a run, however they were given, made one at a
// time when the runner asks.
namespace portent::probe {

class TargetSource
{
public:
    virtual ~TargetSource() = default;
    [[nodiscard]] virtual std::uint64_t size() const = 0;
    [[nodiscard]] virtual Target at(std::uint64_t index) const = 0;
    // The hosts: how many, which one a target is on, how many targets each has, and the names
    // among them (looked up once, before the run; an address literal never is).
    [[nodiscard]] virtual std::uint64_t host_count() const = 0;
    [[nodiscard]] virtual std::uint64_t host_of(std::uint64_t index) const = 0;
    [[nodiscard]] virtual std::uint64_t targets_of_host(std::uint64_t host) const = 0;
    [[nodiscard]] virtual std::vector<std::string> names() const = 0;
    // Whether some target is probed over UDP, or speaks TLS (https, tls, STARTTLS).
    [[nodiscard]] virtual bool any_udp() const = 0;
    [[nodiscard]] virtual bool any_tls() const = 0;
};

// Targets given as a list: each distinct host string is one host.
class ListedTargets final : public TargetSource
{
public:
    explicit ListedTargets(std::span<const Target> targets);
    [[nodiscard]] std::uint64_t size() const override { return targets_.size(); }
    [[nodiscard]] Target at(std::uint64_t index) const override { return targets_[index]; }
    [[nodiscard]] std::uint64_t host_count() const override { return hosts_.size(); }
    [[nodiscard]] std::uint64_t host_of(std::uint64_t index) const override { return host_of_[index]; }
    [[nodiscard]] std::uint64_t targets_of_host(std::uint64_t host) const override { return per_host_[host]; }
    [[nodiscard]] std::vector<std::string> names() const override { return hosts_; }
    [[nodiscard]] bool any_udp() const override;
    [[nodiscard]] bool any_tls() const override;

private:
    std::span<const Target> targets_;
    std::vector<std::string> hosts_;
    std::vector<std::uint32_t> host_of_;
    std::vector<std::uint64_t> per_host_;
};

// Targets given as a TargetPlan: hosts × ports, made as they are asked for.
class PlannedTargets final : public TargetSource
{
public:
    explicit PlannedTargets(const TargetPlan& plan) : plan_(plan) {}
    [[nodiscard]] std::uint64_t size() const override { return plan_.size(); }
    [[nodiscard]] Target at(std::uint64_t index) const override { return plan_.at(index); }
    [[nodiscard]] std::uint64_t host_count() const override { return plan_.hosts().size(); }
    [[nodiscard]] std::uint64_t host_of(std::uint64_t index) const override { return plan_.host_of(index); }
    [[nodiscard]] std::uint64_t targets_of_host(std::uint64_t) const override { return plan_.ports().size(); }
    [[nodiscard]] std::vector<std::string> names() const override { return plan_.hosts().names(); }
    [[nodiscard]] bool any_udp() const override;
    [[nodiscard]] bool any_tls() const override;

private:
    const TargetPlan& plan_;
};

} // namespace portent::probe
