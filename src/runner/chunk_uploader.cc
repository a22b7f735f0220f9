#include "runner/chunk_uploader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/hashing.h"
#include "storage/table_publisher.h"

namespace sluice::runner {
namespace {

// Swift's default max_meta_value_length is 256; S3 allows 2 KB for all metadata together.
constexpr size_t kMaxMetadataValue = 256;

}  // namespace

ChunkUploader::ChunkUploader(ObjectStore* store, std::string local_dir, std::string remote_prefix,
                             int64_t max_local_bytes)
    : store_(store),
      local_dir_(std::move(local_dir)),
      remote_prefix_(std::move(remote_prefix)),
      max_local_bytes_(max_local_bytes) {
  thread_ = std::thread([this] { Loop(); });
}

ChunkUploader::~ChunkUploader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status ChunkUploader::Enqueue(const std::string& file, int64_t bytes, const std::string& sha256,
                              const ChunkRecord& record) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!error_.ok()) return error_;
  // After this call the caller writes its next part file, as may the other writers: keep room
  // for each of them, sized like the largest part so far.
  largest_ = std::max(largest_, bytes);
  const int64_t reserve = writers_ * largest_;
  auto has_room = [&] { return spool_bytes_ + bytes + reserve <= max_local_bytes_; };
  if (max_local_bytes_ > 0 && spool_bytes_ > 0 && !has_room()) {
    ++stats_.waits;
    changed_.wait(lock,
                  [&] { return !error_.ok() || stopping_ || spool_bytes_ == 0 || has_room(); });
    if (!error_.ok()) return error_;
  }
  queue_.push_back({file, bytes, sha256, record});
  spool_bytes_ += bytes;
  stats_.peak_spool_bytes = std::max(stats_.peak_spool_bytes, spool_bytes_);
  changed_.notify_all();
  return Status::OK();
}

Status ChunkUploader::Finish() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return !error_.ok() || (queue_.empty() && !busy_); });
  return error_;
}

UploaderStats ChunkUploader::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void ChunkUploader::SetWriters(int writers) {
  std::lock_guard<std::mutex> lock(mutex_);
  writers_ = std::max(1, writers);
}

void ChunkUploader::SetInitialListing(std::map<std::string, int64_t> sizes) {
  std::lock_guard<std::mutex> lock(mutex_);
  listing_ = std::move(sizes);
}

std::map<std::string, std::string> ChunkUploader::verified() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return verified_;
}

void ChunkUploader::Loop() {
  while (true) {
    Item item;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || (!queue_.empty() && error_.ok()); });
      if (stopping_) return;
      item = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    Status status = Upload(item);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      busy_ = false;
      spool_bytes_ -= item.bytes;
      if (!status.ok() && error_.ok()) {
        error_ = status.WithContext("uploading " +
                                    (item.file.empty() ? item.record.object_key : item.file));
      }
    }
    changed_.notify_all();
  }
}

Status ChunkUploader::EnqueueObject(const std::string& key, const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!error_.ok()) return error_;
  queue_.push_back({"", 0, "", ChunkRecord{"", text, key}});
  changed_.notify_all();
  return Status::OK();
}

Status ChunkUploader::Upload(const Item& item) {
  if (item.file.empty()) {  // EnqueueObject(): a small object, no file
    return store_
        ->Put(item.record.object_key, item.record.full,
              PutOptions{.content_type = "application/json"})
        .status();
  }
  const std::string key = remote_prefix_ + "/" + storage::PublishedName(item.file, item.sha256);
  const std::string local = local_dir_ + "/" + item.file;
  bool skipped = false;
  bool maybe_stored = true;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (listing_) {
      auto found = listing_->find(key);
      maybe_stored = found != listing_->end() && found->second == item.bytes;
    }
  }
  // The chunk's record rides on the part as metadata: no extra request per chunk.
  const ChunkRecord& record = item.record;
  std::string record_meta = record.compact.empty() ? "" : storage::Base64Encode(record.compact);
  if (record_meta.size() > kMaxMetadataValue) record_meta.clear();
  bool record_stored = record.full.empty() || !record_meta.empty();
  if (maybe_stored) {
    auto head = store_->Head(key);
    if (head.ok() && head->size == item.bytes && head->sha256_hex == item.sha256) {
      skipped = true;
      auto found = head->metadata.find(kChunkRecordMetadata);
      record_stored =
          record.full.empty() ||
          (!record_meta.empty() && found != head->metadata.end() && found->second == record_meta);
    }
  }
  if (!skipped) {
    PutOptions put;
    put.sha256_hex = item.sha256;
    if (!record_meta.empty()) put.metadata[kChunkRecordMetadata] = record_meta;
    SLUICE_ASSIGN_OR_RETURN(ObjectInfo info, store_->PutFile(key, local, put));
    if (info.size != item.bytes) {
      return Status::Corruption(store_->DisplayName(key) + ": stored size " +
                                std::to_string(info.size) + " != " + std::to_string(item.bytes));
    }
  }
  if (!record_stored) {
    // Too long for metadata, or an identical part stored by another run carries that run's
    // record: ours goes into an object of its own.
    SLUICE_RETURN_IF_ERROR(
        store_->Put(record.object_key, record.full, PutOptions{.content_type = "application/json"})
            .status());
  }
  // Verified (or already there): the spool copy is no longer needed.
  if (::unlink(local.c_str()) != 0 && errno != ENOENT) {
    return Status::IoError("cannot delete " + local + ": " + std::strerror(errno));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  verified_[key] = item.sha256;
  if (skipped) {
    ++stats_.files_skipped;
  } else {
    ++stats_.files_uploaded;
    stats_.bytes_uploaded += item.bytes;
  }
  return Status::OK();
}

}  // namespace sluice::runner
