// LocalStore: ObjectStore over a local directory, so `--dest DIR` and tests share the code paths
// of the remote stores. Objects are files under the root; Put writes through AtomicFile (temp
// name, fsync, rename), so a reader never sees half an object; if_absent publishes with link(),
// which fails atomically when the name exists. Head/List compute checksums by reading the files
// (the local disk is fast next to a network and this keeps no side files).
// Thread-safety: all methods may be called concurrently (the file system serialises them).
#pragma once

#include <memory>
#include <string>

#include "sluice/object_store.h"

namespace sluice::storage {

Result<std::unique_ptr<ObjectStore>> OpenLocalStore(const std::string& root,
                                                    const ObjectStoreOptions& options);

}  // namespace sluice::storage
