#include "controller/config/controller_config.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/duration.h"
#include "common/http_url.h"
#include "common/status_macros.h"
#include "common/toml_util.h"

namespace zfleet::controller {
namespace {

// Reads `node` as a human duration of at least `min`; `name` is the dotted key.
absl::Status ReadDuration(absl::string_view source, const toml::node& node, absl::string_view name,
                          absl::Duration min, absl::Duration& out) {
  const auto* s = node.as_string();
  if (s == nullptr)
    return TomlErrorAt(source, node, absl::StrCat(name, " must be a string like \"30s\""));
  auto d = ParseHumanDuration(ToAbsl(s->get()));
  if (!d.ok()) return TomlErrorAt(source, node, absl::StrCat(name, ": ", d.status().message()));
  if (*d < min) {
    return TomlErrorAt(source, node,
                       absl::StrCat(name, " must be at least ", FormatHumanDuration(min)));
  }
  out = *d;
  return absl::OkStatus();
}

absl::Status ReadInt(absl::string_view source, const toml::node& node, absl::string_view name,
                     int64_t min, int64_t max, int& out) {
  const auto* i = node.as_integer();
  if (i == nullptr || i->get() < min || i->get() > max) {
    return TomlErrorAt(source, node,
                       absl::StrCat(name, " must be an integer from ", min, " to ", max));
  }
  out = static_cast<int>(i->get());
  return absl::OkStatus();
}

absl::Status ReadNumber(absl::string_view source, const toml::node& node, absl::string_view name,
                        double min, double max, double& out) {
  std::optional<double> v;
  if (const auto* f = node.as_floating_point()) v = f->get();
  if (const auto* i = node.as_integer()) v = static_cast<double>(i->get());
  if (!v || !(*v >= min && *v <= max)) {
    return TomlErrorAt(source, node,
                       absl::StrCat(name, " must be a number from ", min, " to ", max));
  }
  out = *v;
  return absl::OkStatus();
}

absl::Status ReadString(absl::string_view source, const toml::node& node, absl::string_view name,
                        std::string& out) {
  const auto* s = node.as_string();
  if (s == nullptr) return TomlErrorAt(source, node, absl::StrCat(name, " must be a string"));
  out = s->get();
  return absl::OkStatus();
}

absl::Status ParseAgents(absl::string_view source, const toml::table& t, ControllerConfig& c) {
  const toml::node* autonomous = nullptr;
  for (const auto& [key, node] : t) {
    if (key == "report_interval") {
      RETURN_IF_ERROR(ReadDuration(source, node, "agents.report_interval", absl::Seconds(1),
                                   c.report_interval));
    } else if (key == "missing_after") {
      RETURN_IF_ERROR(ReadInt(source, node, "agents.missing_after", 1, 1000, c.missing_after));
    } else if (key == "autonomous_after") {
      RETURN_IF_ERROR(ReadDuration(source, node, "agents.autonomous_after", absl::ZeroDuration(),
                                   c.autonomous_after));
      autonomous = &node;
    } else {
      return TomlErrorAt(source, node, absl::StrCat("unknown key agents.", ToAbsl(key.str())));
    }
  }
  // An agent must not act alone while the controller still counts its host as reporting:
  // both would then start scrubs on the same pools.
  if (c.autonomous_after > absl::ZeroDuration() && c.autonomous_after <= c.MissingAfter()) {
    return TomlErrorAt(
        source, autonomous != nullptr ? *autonomous : static_cast<const toml::node&>(t),
        absl::StrCat("agents.autonomous_after (", FormatHumanDuration(c.autonomous_after),
                     ") must be 0 (never act alone) or longer than report_interval × "
                     "missing_after (",
                     FormatHumanDuration(c.MissingAfter()), ")"));
  }
  return absl::OkStatus();
}

absl::Status ParseLabelCaps(absl::string_view source, const toml::node& node, SchedulerPolicy& p) {
  const auto* t = node.as_table();
  if (t == nullptr) {
    return TomlErrorAt(source, node, "scheduler.max_per_label must be a table like { rack = 4 }");
  }
  p.max_per_label.clear();
  for (const auto& [key, value] : *t) {
    int cap = 0;
    RETURN_IF_ERROR(ReadInt(source, value,
                            absl::StrCat("scheduler.max_per_label.", ToAbsl(key.str())), 1, 1000000,
                            cap));
    p.max_per_label.emplace_back(std::string(key.str()), cap);
  }
  std::sort(p.max_per_label.begin(), p.max_per_label.end());
  return absl::OkStatus();
}

absl::Status ParseSkipStates(absl::string_view source, const toml::node& node, SchedulerPolicy& p) {
  static const std::vector<std::string> kStates = {"ONLINE",  "DEGRADED", "FAULTED",  "OFFLINE",
                                                   "UNAVAIL", "REMOVED",  "SUSPENDED"};
  const auto* a = node.as_array();
  if (a == nullptr)
    return TomlErrorAt(source, node, "scheduler.skip_states must be a list of states");
  p.skip_states.clear();
  for (const toml::node& item : *a) {
    const auto* s = item.as_string();
    if (s == nullptr || std::find(kStates.begin(), kStates.end(), s->get()) == kStates.end()) {
      return TomlErrorAt(
          source, item,
          absl::StrCat("scheduler.skip_states: want one of ", absl::StrJoin(kStates, ", ")));
    }
    p.skip_states.push_back(s->get());
  }
  return absl::OkStatus();
}

absl::Status ParseScheduler(absl::string_view source, const toml::table& t, SchedulerPolicy& p) {
  for (const auto& [key, node] : t) {
    if (key == "tick") {
      RETURN_IF_ERROR(ReadDuration(source, node, "scheduler.tick", absl::Seconds(1), p.tick));
    } else if (key == "max_concurrent") {
      RETURN_IF_ERROR(
          ReadInt(source, node, "scheduler.max_concurrent", 1, 1000000, p.max_concurrent));
    } else if (key == "max_per_host") {
      RETURN_IF_ERROR(ReadInt(source, node, "scheduler.max_per_host", 1, 1000, p.max_per_host));
    } else if (key == "max_per_label") {
      RETURN_IF_ERROR(ParseLabelCaps(source, node, p));
    } else if (key == "skip_states") {
      RETURN_IF_ERROR(ParseSkipStates(source, node, p));
    } else if (key == "load_threshold") {
      RETURN_IF_ERROR(
          ReadNumber(source, node, "scheduler.load_threshold", 0, 1e6, p.load_threshold));
    } else if (key == "stall_after") {
      RETURN_IF_ERROR(
          ReadDuration(source, node, "scheduler.stall_after", absl::Seconds(1), p.stall_after));
    } else if (key == "at_window_end") {
      std::string name;
      RETURN_IF_ERROR(ReadString(source, node, "scheduler.at_window_end", name));
      auto action = ParseWindowEndAction(name);
      if (!action) {
        return TomlErrorAt(source, node, "scheduler.at_window_end must be pause, stop or continue");
      }
      p.at_window_end = *action;
    } else if (key == "timezone") {
      RETURN_IF_ERROR(ReadString(source, node, "scheduler.timezone", p.timezone_name));
      if (!absl::LoadTimeZone(p.timezone_name, &p.timezone)) {
        return TomlErrorAt(source, node,
                           absl::StrCat("scheduler.timezone: unknown time zone \"", p.timezone_name,
                                        "\" (want an IANA name like UTC or Europe/Amsterdam)"));
      }
    } else if (key == "early_start") {
      RETURN_IF_ERROR(ReadNumber(source, node, "scheduler.early_start", 0, 0.9, p.early_start));
    } else if (key == "early_below") {
      RETURN_IF_ERROR(ReadNumber(source, node, "scheduler.early_below", 0, 1, p.early_below));
    } else {
      return TomlErrorAt(source, node, absl::StrCat("unknown key scheduler.", ToAbsl(key.str())));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseClass(absl::string_view source, absl::string_view name, const toml::table& t,
                        ClassPolicy& c) {
  for (const auto& [key, node] : t) {
    std::string dotted = absl::StrCat("classes.", name, ".", ToAbsl(key.str()));
    if (key == "interval") {
      RETURN_IF_ERROR(ReadDuration(source, node, dotted, absl::Seconds(1), c.interval));
    } else if (key == "windows") {
      const auto* a = node.as_array();
      if (a == nullptr) return TomlErrorAt(source, node, absl::StrCat(dotted, " must be a list"));
      std::vector<std::string> specs;
      for (const toml::node& item : *a) {
        const auto* s = item.as_string();
        if (s == nullptr) return TomlErrorAt(source, item, absl::StrCat(dotted, ": want strings"));
        specs.push_back(s->get());
        // Parse one by one so the error names the line of the bad window.
        if (auto one = ScrubWindows::Parse({s->get()}); !one.ok()) {
          return TomlErrorAt(source, item, absl::StrCat(dotted, ": ", one.status().message()));
        }
      }
      auto windows = ScrubWindows::Parse(specs);
      if (!windows.ok()) {
        return TomlErrorAt(source, node, absl::StrCat(dotted, ": ", windows.status().message()));
      }
      c.windows = *std::move(windows);
    } else if (key == "scrub_mb_per_s") {
      double mb_per_s = 0;
      RETURN_IF_ERROR(ReadNumber(source, node, dotted, 1, 1e6, mb_per_s));
      c.scrub_bytes_per_s = mb_per_s * 1e6;
    } else {
      return TomlErrorAt(source, node, absl::StrCat("unknown key ", dotted));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseClasses(absl::string_view source, const toml::table& t, SchedulerPolicy& p) {
  for (const auto& [key, node] : t) {
    absl::string_view name = ToAbsl(key.str());
    auto c = ParseDiskClass(name);
    if (!c) {
      return TomlErrorAt(
          source, node,
          absl::StrCat("unknown class classes.", name,
                       " (want sata, scsi, usb, unknown, sas, fc, nvme or virtual)"));
    }
    const auto* table = node.as_table();
    if (table == nullptr)
      return TomlErrorAt(source, node, absl::StrCat("classes.", name, " must be a table"));
    RETURN_IF_ERROR(ParseClass(source, name, *table, p.classes[static_cast<int>(*c)]));
  }
  return absl::OkStatus();
}

absl::Status ParseHistory(absl::string_view source, const toml::table& t, ControllerConfig& c) {
  for (const auto& [key, node] : t) {
    if (key == "retention") {
      RETURN_IF_ERROR(
          ReadDuration(source, node, "history.retention", absl::Hours(24), c.history_retention));
    } else {
      return TomlErrorAt(source, node, absl::StrCat("unknown key history.", ToAbsl(key.str())));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseRetention(absl::string_view source, const toml::table& t, RetentionPolicy& r) {
  const std::pair<const char*, absl::Duration*> ages[] = {
      {"events", &r.events},     {"open_events", &r.open_events}, {"counters", &r.counters},
      {"commands", &r.commands}, {"scrub_runs", &r.scrub_runs},   {"audit", &r.audit},
  };
  for (const auto& [key, node] : t) {
    const std::string name = absl::StrCat("retention.", ToAbsl(key.str()));
    if (key == "batch") {
      RETURN_IF_ERROR(ReadInt(source, node, name, 1, 100000, r.batch));
      continue;
    }
    absl::Duration* age = nullptr;
    for (const auto& [known, field] : ages) {
      if (key == known) age = field;
    }
    if (age == nullptr) return TomlErrorAt(source, node, absl::StrCat("unknown key ", name));
    RETURN_IF_ERROR(ReadDuration(source, node, name, absl::Hours(24), *age));
  }
  return absl::OkStatus();
}

// A secret file's content without its trailing newline. InvalidArgument at `node`, naming
// the key `name`, when it cannot be read or is empty.
absl::Status ReadSecretFile(absl::string_view source, const toml::node& node,
                            absl::string_view name, const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    return TomlErrorAt(source, node,
                       absl::StrCat(name, ": cannot read ", path, ": ", std::strerror(errno)));
  }
  out = text.str();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (out.empty()) return TomlErrorAt(source, node, absl::StrCat(name, ": ", path, " is empty"));
  return absl::OkStatus();
}

// A list of http(s) URLs into `out`; `name` is the dotted key, `example` a valid value.
absl::Status ParseUrlList(absl::string_view source, const toml::node& node, absl::string_view name,
                          absl::string_view example, std::vector<std::string>& out) {
  const auto* list = node.as_array();
  if (list == nullptr) {
    return TomlErrorAt(source, node, absl::StrCat(name, " must be a list of URLs like ", example));
  }
  out.clear();
  for (const toml::node& item : *list) {
    const auto* s = item.as_string();
    if (s == nullptr) return TomlErrorAt(source, item, absl::StrCat(name, ": want strings"));
    if (absl::StatusOr<HttpUrl> url = ParseHttpUrl(ToAbsl(s->get())); !url.ok()) {
      return TomlErrorAt(source, item, absl::StrCat(name, ": ", url.status().message()));
    }
    out.push_back(s->get());
  }
  return absl::OkStatus();
}

// The keys of an HTTP client's table ([alerts], [webhook]) and their checks, with the
// secret files read.
class HttpClientKeys {
 public:
  HttpClientKeys(absl::string_view source, absl::string_view section, HttpClientConfig& c)
      : source_(source), section_(section), c_(c) {}

  // Reads `key` when it is one of them; false (and nothing read) when it is not.
  absl::StatusOr<bool> Read(absl::string_view key, const toml::node& node) {
    const std::string name = absl::StrCat(section_, ".", key);
    if (key == "timeout") {
      RETURN_IF_ERROR(ReadDuration(source_, node, name, absl::Seconds(1), c_.timeout));
    } else if (key == "tls_ca") {
      RETURN_IF_ERROR(ReadString(source_, node, name, c_.tls.ca));
    } else if (key == "tls_cert") {
      RETURN_IF_ERROR(ReadString(source_, node, name, c_.tls.cert));
    } else if (key == "tls_key") {
      RETURN_IF_ERROR(ReadString(source_, node, name, c_.tls.key));
    } else if (key == "basic_auth_user") {
      RETURN_IF_ERROR(ReadString(source_, node, name, c_.basic_auth_user));
    } else if (key == "basic_auth_password_file") {
      RETURN_IF_ERROR(ReadString(source_, node, name, c_.basic_auth_password_file));
      password_file_ = &node;
    } else if (key == "bearer_token_file") {
      RETURN_IF_ERROR(ReadString(source_, node, name, c_.bearer_token_file));
      token_file_ = &node;
    } else {
      return false;
    }
    return true;
  }

  // After every key: the pairs, TLS only with an https URL among `urls` (`receivers` names
  // them in the message), and the secrets read.
  absl::Status Finish(const toml::table& t, const std::vector<std::string>& urls,
                      absl::string_view receivers) {
    const std::string s(section_);
    if (c_.basic_auth_user.empty() != c_.basic_auth_password_file.empty()) {
      return TomlErrorAt(
          source_, t,
          absl::StrCat(s, ".basic_auth_user and ", s, ".basic_auth_password_file go together"));
    }
    if (!c_.basic_auth_user.empty() && !c_.bearer_token_file.empty()) {
      return TomlErrorAt(
          source_, t,
          absl::StrCat(s, ".basic_auth_user and ", s, ".bearer_token_file: one or the other"));
    }
    if (c_.tls.cert.empty() != c_.tls.key.empty()) {
      return TomlErrorAt(source_, t, absl::StrCat(s, ".tls_cert and ", s, ".tls_key go together"));
    }
    const bool any_https = std::any_of(
        urls.begin(), urls.end(), [](const std::string& url) { return ParseHttpUrl(url)->https; });
    if (c_.tls.any() && !any_https) {
      return TomlErrorAt(source_, t,
                         absl::StrCat(s, ".tls_ca, tls_cert and tls_key are for https:// ",
                                      receivers, ", and none is configured"));
    }
    if (password_file_ != nullptr) {
      RETURN_IF_ERROR(ReadSecretFile(source_, *password_file_,
                                     absl::StrCat(s, ".basic_auth_password_file"),
                                     c_.basic_auth_password_file, c_.basic_auth_password));
    }
    if (token_file_ != nullptr) {
      RETURN_IF_ERROR(ReadSecretFile(source_, *token_file_, absl::StrCat(s, ".bearer_token_file"),
                                     c_.bearer_token_file, c_.bearer_token));
    }
    return absl::OkStatus();
  }

 private:
  absl::string_view source_;
  absl::string_view section_;
  HttpClientConfig& c_;
  const toml::node* password_file_ = nullptr;
  const toml::node* token_file_ = nullptr;
};

absl::Status ParseAlerts(absl::string_view source, const toml::table& t, AlertsConfig& a) {
  HttpClientKeys client(source, "alerts", a);
  for (const auto& [key, node] : t) {
    const std::string name = absl::StrCat("alerts.", ToAbsl(key.str()));
    ASSIGN_OR_RETURN(bool read, client.Read(ToAbsl(key.str()), node));
    if (read) continue;
    if (key == "alertmanager") {
      RETURN_IF_ERROR(ParseUrlList(source, node, name, "[\"http://am:9093\"]", a.alertmanagers));
    } else if (key == "resend") {
      RETURN_IF_ERROR(ReadDuration(source, node, name, absl::Seconds(1), a.resend));
    } else {
      return TomlErrorAt(source, node, absl::StrCat("unknown key ", name));
    }
  }
  return client.Finish(t, a.alertmanagers, "Alertmanagers");
}

absl::Status ParseWebhook(absl::string_view source, const toml::table& t, WebhookConfig& w) {
  HttpClientKeys client(source, "webhook", w);
  for (const auto& [key, node] : t) {
    const std::string name = absl::StrCat("webhook.", ToAbsl(key.str()));
    ASSIGN_OR_RETURN(bool read, client.Read(ToAbsl(key.str()), node));
    if (read) continue;
    if (key == "url") {
      RETURN_IF_ERROR(
          ParseUrlList(source, node, name, "[\"https://hooks.example/zfleet\"]", w.urls));
    } else if (key == "queue") {
      RETURN_IF_ERROR(ReadInt(source, node, name, 1, 1000000, w.queue));
    } else if (key == "max_backoff") {
      RETURN_IF_ERROR(ReadDuration(source, node, name, absl::Seconds(1), w.max_backoff));
    } else {
      return TomlErrorAt(source, node, absl::StrCat("unknown key ", name));
    }
  }
  return client.Finish(t, w.urls, "URLs");
}

absl::Status ParseRoot(absl::string_view source, const toml::table& root, ControllerConfig& c) {
  for (const auto& [key, node] : root) {
    const toml::table* table = node.as_table();
    if (key != "agents" && key != "scheduler" && key != "classes" && key != "history" &&
        key != "retention" && key != "tls" && key != "alerts" && key != "webhook") {
      return TomlErrorAt(source, node, absl::StrCat("unknown key ", ToAbsl(key.str())));
    }
    if (table == nullptr) {
      return TomlErrorAt(source, node, absl::StrCat(ToAbsl(key.str()), " must be a table"));
    }
    if (key == "agents") RETURN_IF_ERROR(ParseAgents(source, *table, c));
    if (key == "scheduler") RETURN_IF_ERROR(ParseScheduler(source, *table, c.scheduler));
    if (key == "classes") RETURN_IF_ERROR(ParseClasses(source, *table, c.scheduler));
    if (key == "history") RETURN_IF_ERROR(ParseHistory(source, *table, c));
    if (key == "retention") RETURN_IF_ERROR(ParseRetention(source, *table, c.retention));
    if (key == "tls") RETURN_IF_ERROR(ParseTlsTable(source, *table, c.tls));
    if (key == "alerts") RETURN_IF_ERROR(ParseAlerts(source, *table, c.alerts));
    if (key == "webhook") RETURN_IF_ERROR(ParseWebhook(source, *table, c.webhook));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ControllerConfig> ParseControllerConfig(absl::string_view text,
                                                       absl::string_view source_name) {
  return ParseTomlConfig<ControllerConfig>(text, source_name, ParseRoot);
}

absl::StatusOr<ControllerConfig> LoadControllerConfig(const std::string& path) {
  if (path.empty()) return ControllerConfig{};
  return LoadTomlConfig<ControllerConfig>(path, ParseRoot);
}

}  // namespace zfleet::controller
