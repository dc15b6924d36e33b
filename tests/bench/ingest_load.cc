#include "tests/bench/ingest_load.h"

#include <algorithm>
#include <memory>
#include <random>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "zfleet/v1/zfleet.grpc.pb.h"

namespace zfleet::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::unique_ptr<v1::AgentService::Stub> Connect(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection per stream
  auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  channel->WaitForConnected(std::chrono::system_clock::now() + kCallDeadline);
  return v1::AgentService::NewStub(channel);
}

// Counts one answered call into `load`.
void Record(const grpc::Status& status, const v1::ReportResponse& reply,
            SteadyClock::time_point sent, Load& load) {
  load.latency_ms.push_back(
      std::chrono::duration<float, std::milli>(SteadyClock::now() - sent).count());
  if (status.ok()) {
    ++load.ok;
    if (reply.outcome() != v1::REPORT_APPLIED) ++load.not_applied;
    return;
  }
  ++load.failed;
  load.failed_at_ms.push_back(UnixMillis());
  if (load.first_error.empty()) {
    load.first_error = absl::StrCat("code ", status.error_code(), ": ", status.error_message());
  }
}

// One paced report in flight; the completion queue's tag.
struct Call {
  size_t host = 0;
  SteadyClock::time_point sent;
  grpc::ClientContext context;
  v1::ReportResponse reply;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::ReportResponse>> reader;
};

// The hosts whose call was answered, from the completion threads to the sending thread.
class Answered {
 public:
  void Push(size_t host) {
    absl::MutexLock lock(&mu_);
    hosts_.push_back(host);
  }
  // Takes what was answered into `*hosts` (emptied first), without waiting: a sender that
  // woke for every answer would spend more on wake-ups than on sending.
  void Take(std::vector<size_t>* hosts) {
    hosts->clear();
    absl::MutexLock lock(&mu_);
    hosts->swap(hosts_);
  }

 private:
  absl::Mutex mu_;
  std::vector<size_t> hosts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

void Load::Add(const Load& l) {
  ok += l.ok;
  failed += l.failed;
  changed += l.changed;
  not_applied += l.not_applied;
  latency_ms.insert(latency_ms.end(), l.latency_ms.begin(), l.latency_ms.end());
  failed_at_ms.insert(failed_at_ms.end(), l.failed_at_ms.begin(), l.failed_at_ms.end());
  if (first_error.empty()) first_error = l.first_error;
  due += l.due;
  late += l.late;
  behind += l.behind;
  missed += l.missed;
  max_behind_s = std::max(max_behind_s, l.max_behind_s);
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t UnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double Percentile(std::vector<float> v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

Load Drive(const std::string& address, const Fleet& fleet, std::vector<SimulatedHost>& hosts,
           int streams, bool once, std::chrono::milliseconds limit,
           const std::atomic<bool>* abort) {
  std::vector<Load> per_thread(static_cast<size_t>(streams));
  std::vector<std::unique_ptr<v1::AgentService::Stub>> stubs;
  for (int t = 0; t < streams; ++t) stubs.push_back(Connect(address));
  const auto start = SteadyClock::now();
  const auto end = start + limit;
  std::vector<std::thread> threads;
  for (int t = 0; t < streams; ++t) {
    threads.emplace_back([&, t] {
      Load& load = per_thread[static_cast<size_t>(t)];
      std::mt19937_64 rng(static_cast<uint64_t>(t) * 7919 + 17);
      v1::ReportRequest report;  // reused: every host's report is written over the last
      for (size_t h = static_cast<size_t>(t);; h += static_cast<size_t>(streams)) {
        if (h >= hosts.size()) {
          if (once) break;
          h = static_cast<size_t>(t);
        }
        const auto sent = SteadyClock::now();
        if (sent >= end || abort->load()) break;
        const int64_t changes_before = hosts[h].changes();
        hosts[h].Next(fleet, UnixNow(), rng, &report);
        load.changed += hosts[h].changes() - changes_before;
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
        v1::ReportResponse reply;
        const grpc::Status status = stubs[static_cast<size_t>(t)]->Report(&context, report, &reply);
        Record(status, reply, sent, load);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  Load all;
  all.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  for (const Load& l : per_thread) all.Add(l);
  return all;
}

Load DrivePaced(const std::string& address, const Fleet& fleet, std::vector<SimulatedHost>& hosts,
                int streams, std::chrono::milliseconds interval, std::chrono::milliseconds duration,
                const std::atomic<bool>* abort) {
  const auto n = static_cast<size_t>(streams);
  std::vector<std::unique_ptr<v1::AgentService::Stub>> stubs;
  std::vector<std::unique_ptr<grpc::CompletionQueue>> queues;
  for (size_t t = 0; t < n; ++t) {
    stubs.push_back(Connect(address));
    queues.push_back(std::make_unique<grpc::CompletionQueue>());
  }
  // Sender i writes and sends the reports of hosts i, i + senders, …; one thread per
  // completion queue takes the answers, so a slow answer delays nobody but its own host.
  // Several senders, as writing and serializing a 20 KB report takes tens of microseconds:
  // one thread alone falls behind 100,000 hosts at 30 s on a busy machine.
  const size_t senders = std::min<size_t>(n, kPacedSenders);
  std::vector<Answered> answered(senders);
  std::vector<Load> per_queue(n);
  std::vector<std::thread> receivers;
  for (size_t t = 0; t < n; ++t) {
    receivers.emplace_back([&, t] {
      void* tag = nullptr;
      bool ok = false;
      while (queues[t]->Next(&tag, &ok)) {
        std::unique_ptr<Call> call(static_cast<Call*>(tag));
        Record(call->status, call->reply, call->sent, per_queue[t]);
        answered[call->host % senders].Push(call->host);
      }
    });
  }

  const auto start = SteadyClock::now();
  const auto end = start + duration;
  std::vector<Load> per_sender(senders);
  std::vector<std::thread> sending;
  for (size_t i = 0; i < senders; ++i) {
    sending.emplace_back([&, i] {
      Load& load = per_sender[i];
      std::mt19937_64 rng(static_cast<uint64_t>(i) * 7919 + 17);
      v1::ReportRequest report;  // reused: every host's report is written over the last
      // Per host of this sender (host i + senders × j): whether a call is in flight, and
      // the slot of the report waiting for it.
      const size_t mine = (hosts.size() - i + senders - 1) / senders;
      std::vector<char> in_flight(mine, 0);
      constexpr SteadyClock::time_point kNone = SteadyClock::time_point::min();
      std::vector<SteadyClock::time_point> waiting(mine, kNone);
      size_t outstanding = 0;
      auto send = [&](size_t j, SteadyClock::time_point slot, bool held_back) {
        const size_t h = i + senders * j;
        auto call = std::make_unique<Call>();
        call->host = h;
        call->sent = SteadyClock::now();
        if (call->sent - slot > kLateAfter) ++(held_back ? load.late : load.behind);
        const int64_t changes_before = hosts[h].changes();
        hosts[h].Next(fleet, UnixNow(), rng, &report);
        load.changed += hosts[h].changes() - changes_before;
        call->context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
        // Serializes the report, so `report` may be written over at once.
        call->reader =
            stubs[h % n]->PrepareAsyncReport(&call->context, report, queues[h % n].get());
        call->reader->StartCall();
        Call* tag = call.release();
        tag->reader->Finish(&tag->reply, &tag->status, tag);
        in_flight[j] = 1;
        ++outstanding;
      };
      std::vector<size_t> taken;
      auto take_answers = [&] {
        answered[i].Take(&taken);
        for (size_t h : taken) {
          const size_t j = (h - i) / senders;
          in_flight[j] = 0;
          --outstanding;
          if (waiting[j] != kNone) {
            send(j, waiting[j], true);
            waiting[j] = kNone;
          }
        }
      };
      // Slot s is this sender's host j = s % mine, report number s / mine, due at
      // start + (s / mine + h / hosts) × interval.
      const double interval_s = std::chrono::duration<double>(interval).count();
      for (size_t s = 0;; ++s) {
        const size_t j = s % mine;
        const double at =
            interval_s * (static_cast<double>(s / mine) +
                          static_cast<double>(i + senders * j) / static_cast<double>(hosts.size()));
        const auto slot = start + std::chrono::duration_cast<SteadyClock::duration>(
                                      std::chrono::duration<double>(at));
        if (slot >= end || abort->load()) break;
        // Sleeps until a batch of slots has come, sending each up to kPacedBatch after it:
        // waking for every slot, hundreds of times a second, costs more than the sending.
        if (SteadyClock::now() < slot) std::this_thread::sleep_until(slot + kPacedBatch);
        take_answers();
        ++load.due;
        load.max_behind_s = std::max(
            load.max_behind_s, std::chrono::duration<double>(SteadyClock::now() - slot).count());
        if (!in_flight[j]) {
          send(j, slot, false);
        } else if (waiting[j] == kNone) {
          waiting[j] = slot;
        } else {
          ++load.missed;
        }
      }
      if (!abort->load()) std::this_thread::sleep_until(end);  // the last slot: a gap before
      load.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
      // The reports in flight are answered (or time out) within their deadline; those still
      // waiting for a slot go unsent, as the load ends.
      const auto drain_until = SteadyClock::now() + kCallDeadline + std::chrono::seconds(5);
      std::fill(waiting.begin(), waiting.end(), kNone);
      for (take_answers(); outstanding > 0 && SteadyClock::now() < drain_until; take_answers()) {
        std::this_thread::sleep_for(kPacedBatch);
      }
    });
  }
  for (std::thread& thread : sending) thread.join();
  Load load;
  for (const Load& l : per_sender) load.seconds = std::max(load.seconds, l.seconds);
  for (auto& queue : queues) queue->Shutdown();
  for (std::thread& thread : receivers) thread.join();
  for (const Load& l : per_sender) load.Add(l);
  for (const Load& l : per_queue) load.Add(l);
  return load;
}

}  // namespace zfleet::bench
