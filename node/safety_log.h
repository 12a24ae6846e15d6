// The consensus engine's safety state and its uncommitted blocks, kept in an append-only log of
// the node's own (data_dir/consensus), so that the durable write before each vote is one
// sequential write and one flush of a few kilobytes.
//
// Two files, log.0 and log.1, each written full of zeros when created so that a later write
// never changes a file's size (a flush then writes data only, no file-system metadata). One
// file is active: it starts with a snapshot (a header naming its generation, the safety state,
// the blocks kept, an end mark) and goes on with records appended by sync(): new blocks, the
// new state, the height up to which blocks are forgotten. When a sync does not fit, or on
// every open, the snapshot of what is kept now goes to the other file under the next
// generation; once it is durable, the old file gets a last record naming its successor.
//
// Each record: u32 payload length, u8 kind (its high bit set on the last record of a batch), u64
// generation, u64 sequence number, the payload, and 16 bytes of SHA-256 over the file's random
// salt and all of the above. A batch (one sync, one snapshot) takes effect only whole, with its
// last record. Reading a file stops at the first record that does not check, whose generation or
// sequence number is not the next, or that lies past the end; so a batch torn by a crash ends the
// log, and records left from an older generation, or from an attempt that never finished, are
// never read as current. A file counts only with its snapshot complete; the open takes the
// highest generation, and refuses to start (corruption) when the other file says a later
// generation was made durable that no file holds complete.
//
// Only the write under way at a crash can be torn: each write starts after the one before it was
// flushed. So when records that check lie past where reading stopped, and among them a batch's
// last record with a record after it, the bytes where reading stopped were durable once: that is
// damage, and the open refuses to start (corruption) rather than forget the votes recorded
// since. Damage to the last write alone cannot be told from a crash during it. After a write
// whose flush failed, the next sync writes a snapshot to the other file under a new salt, so that
// no record of the failed write can later be read as current; and a snapshot made durable is the
// log from then on, even when the old file cannot be given the record that names it.
//
// A committed block is forgotten only once the executor's write of it is durable
// (`durable_height`), so that after a crash the node can execute it again from here. A folder
// from before the log (an LMDB store, data.mdb) is read once and replaced by the log. The
// folder is locked (flock) while open: a second process on the same data folder is refused.
//
// Threads: the consensus thread only (open may run anywhere).
#pragma once

#include <filesystem>
#include <functional>
#include <map>

#include "consensus/interfaces.h"

namespace priora::node {

struct SafetyLogOptions {
  std::filesystem::path folder;
  // Each file's size when created; a file grows when a snapshot needs more than half of it.
  std::uint64_t file_bytes_initial = std::uint64_t{4} << 20;
};

class SafetyLog final : public consensus::SafetyStorage {
 public:
  using DurableHeight = std::function<std::uint64_t()>;
  [[nodiscard]] static Result<std::unique_ptr<SafetyLog>> open(const SafetyLogOptions& options,
                                                               DurableHeight durable_height);
  ~SafetyLog() override;
  SafetyLog(const SafetyLog&) = delete;
  SafetyLog& operator=(const SafetyLog&) = delete;

  Result<std::optional<consensus::SafetyState>> load() override;
  Status write(const consensus::SafetyState& state) override;
  Status sync() override;
  Status write_block(const Block& block) override;
  Status forget_blocks_up_to(std::uint64_t height) override;
  Result<std::vector<Block>> load_blocks() override;

  // The active file's generation; each snapshot raises it by one.
  std::uint64_t generation() const { return generation_; }

  // What one log file holds; public for the tests' sake.
  struct FileState;

  // A block as the log holds it: encoded once, when the engine writes it, and written as is by
  // every sync and snapshot that carries it.
  struct LoggedBlock {
    std::uint64_t height = 0;
    Bytes encoded;
  };

 private:
  struct File {
    int descriptor = -1;
    std::filesystem::path path;
    std::uint64_t bytes = 0;
  };
  SafetyLog(const SafetyLogOptions& options, DurableHeight durable_height)
      : options_(options), durable_height_(std::move(durable_height)) {}
  Status lock_folder();
  Status create_first_file();
  Status open_files();
  Status recover();
  // Writes everything kept (pending changes included) to the other file as a new generation.
  Status write_snapshot();
  Status append(ByteView records);
  std::uint64_t forgettable_height() const;

  SafetyLogOptions options_;
  DurableHeight durable_height_;
  int lock_descriptor_ = -1;
  File files_[2];
  int active_ = 0;
  std::uint64_t generation_ = 0;
  FixedBytes<16> salt_{};
  std::uint64_t next_sequence_ = 0;
  std::uint64_t write_offset_ = 0;
  // A write to the active file failed: the next sync writes a snapshot (see append()).
  bool snapshot_due_ = false;

  // Durable in the log.
  std::optional<consensus::SafetyState> state_;
  std::map<Hash, LoggedBlock> blocks_;
  std::uint64_t forgotten_height_ = 0;
  // Changes since the last sync().
  std::optional<consensus::SafetyState> pending_state_;
  std::map<Hash, LoggedBlock> pending_blocks_;
  std::uint64_t forget_height_ = 0;  // Asked for by the engine.
};

}  // namespace priora::node
