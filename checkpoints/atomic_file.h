// Atomic, durable file replacement: the one way recur writes a file that a
// crash must never leave half-written.
//
// The content goes to a temporary sibling (".NAME.tmp-PID", same folder so the
// rename cannot cross file systems), is fsync'ed, renamed over the final name
// (atomic on POSIX: readers see the old file or the new one, never a mix), and
// the folder is fsync'ed so the rename itself survives a power cut. A writer
// killed half-way (SIGKILL, preemption, node failure) leaves only a temporary
// that no reader ever opens; is_temp_name() lets cleanup code recognise it.
// A failure (a full disk, an I/O error) is a std::runtime_error naming the
// final path and the OS's reason (common/os_error.h), and leaves no temporary.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace recur::checkpoints {

// Calls write(tmp_path) to create the content, then publishes it at `path`.
// If `write` throws, the temporary is removed and the exception propagates.
void write_atomically(const std::string& path, const std::function<void(const std::string& tmp_path)>& write);
void write_file_atomically(const std::string& path, const char* data, size_t size);
void write_text_file_atomically(const std::string& path, const std::string& text);
// write(2) until all of `data` is written; a failure names `shown` and the OS's reason.
void write_all(int fd, const char* data, size_t size, const std::string& shown);

// rename(from, to), then fsync of the folder holding `to`.
void rename_durably(const std::string& from, const std::string& to);
void fsync_path(const std::string& path);  // a file or a folder
bool is_temp_name(const std::string& file_name);  // a name write_atomically uses for temporaries

}  // namespace recur::checkpoints
