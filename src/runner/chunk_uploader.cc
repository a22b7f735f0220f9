#include "runner/chunk_uploader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice::runner {

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

Status ChunkUploader::Enqueue(const std::string& file, int64_t bytes, const std::string& sha256) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!error_.ok()) return error_;
  if (max_local_bytes_ > 0 && spool_bytes_ > 0 && spool_bytes_ + bytes > max_local_bytes_) {
    ++stats_.waits;
    changed_.wait(lock, [&] {
      return !error_.ok() || stopping_ || spool_bytes_ == 0 ||
             spool_bytes_ + bytes <= max_local_bytes_;
    });
    if (!error_.ok()) return error_;
  }
  queue_.push_back({file, bytes, sha256});
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
        error_ = status.WithContext("uploading " + item.file);
      }
    }
    changed_.notify_all();
  }
}

Status ChunkUploader::Upload(const Item& item) {
  const std::string key = remote_prefix_ + "/" + item.file;
  const std::string local = local_dir_ + "/" + item.file;
  bool skipped = false;
  auto head = store_->Head(key);
  if (head.ok() && head->size == item.bytes && head->sha256_hex == item.sha256) skipped = true;
  if (!skipped) {
    PutOptions put;
    put.sha256_hex = item.sha256;
    SLUICE_ASSIGN_OR_RETURN(ObjectInfo info, store_->PutFile(key, local, put));
    if (info.size != item.bytes) {
      return Status::Corruption(store_->DisplayName(key) + ": stored size " +
                                std::to_string(info.size) + " != " + std::to_string(item.bytes));
    }
  }
  // Verified (or already there): the spool copy is no longer needed.
  if (::unlink(local.c_str()) != 0 && errno != ENOENT) {
    return Status::IoError("cannot delete " + local + ": " + std::strerror(errno));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (skipped) {
    ++stats_.files_skipped;
  } else {
    ++stats_.files_uploaded;
    stats_.bytes_uploaded += item.bytes;
  }
  return Status::OK();
}

}  // namespace sluice::runner
