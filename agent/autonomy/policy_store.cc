#include "agent/autonomy/policy_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "agent/autonomy/state_json.h"
#include "common/durable_file.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"

namespace zfleet::agent {
namespace {

constexpr char kFileName[] = "policy.json";

// The file: {"contact": UNIX_SECONDS, "policy": AgentPolicy as protobuf JSON}.
absl::StatusOr<AutonomyPolicy> ParsePolicyFile(const std::string& text) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return absl::DataLossError("not JSON");
  auto contact = doc.find("contact");
  auto policy = doc.find("policy");
  if (contact == doc.end() || !contact->is_number_integer() || policy == doc.end() ||
      !policy->is_object()) {
    return absl::DataLossError("want {\"contact\": seconds, \"policy\": {…}}");
  }
  v1::AgentPolicy wire;
  RETURN_IF_ERROR(WithContext(ParseStateJson(policy->dump(), &wire), "policy"));
  return ReadAutonomyPolicy(wire, absl::FromUnixSeconds(contact->get<int64_t>()));
}

}  // namespace

PolicyStore PolicyStore::Open(const std::string& state_dir) {
  PolicyStore store;
  if (state_dir.empty()) return store;
  store.path_ = absl::StrCat(state_dir, "/", kFileName);
  absl::StatusOr<std::string> text = ReadWholeFile(store.path_);
  if (absl::IsNotFound(text.status())) return store;
  if (!text.ok()) {
    spdlog::warn("no scrub policy to act on alone: {}", text.status().message());
    return store;
  }
  absl::StatusOr<AutonomyPolicy> policy = ParsePolicyFile(*text);
  if (!policy.ok()) {
    spdlog::warn(
        "ignoring {} ({}): no scrub policy to act on alone until the controller sends "
        "one",
        store.path_, policy.status().message());
    return store;
  }
  store.contact_ = policy->contact;
  store.persisted_contact_ = policy->contact;
  store.policy_ = *std::move(policy);
  return store;
}

absl::Status PolicyStore::Accept(const v1::AgentPolicy& policy, absl::Time now) {
  contact_ = now;
  bool changed = false;
  absl::StatusOr<AutonomyPolicy> read = ReadAutonomyPolicy(policy, now);
  absl::Status problem = absl::OkStatus();
  if (!read.ok()) {
    problem = read.status();
    if (last_problem_ != problem.message()) {
      last_problem_ = std::string(problem.message());
      spdlog::warn(
          "the controller's scrub policy cannot be applied here ({}); keeping the "
          "previous one",
          problem.message());
    }
  } else {
    last_problem_.clear();
    changed =
        !policy_.has_value() || policy_->wire.SerializeAsString() != read->wire.SerializeAsString();
    policy_ = *std::move(read);
  }
  if (policy_.has_value()) policy_->contact = now;
  if (policy_.has_value() && !path_.empty() &&
      (changed || now - persisted_contact_ >= kContactRefresh)) {
    if (absl::Status s = Persist(now); !s.ok()) return s;
  }
  return problem;
}

absl::Status PolicyStore::Persist(absl::Time now) {
  ASSIGN_OR_RETURN(std::string policy_json, StateJson(policy_->wire));
  nlohmann::json doc;
  doc["contact"] = absl::ToUnixSeconds(now);
  doc["policy"] = nlohmann::json::parse(policy_json, nullptr, /*allow_exceptions=*/false);
  RETURN_IF_ERROR(WriteFileAtomically(path_, doc.dump() + "\n", 0600));
  persisted_contact_ = now;
  return absl::OkStatus();
}

}  // namespace zfleet::agent
