// CRC-32C (Castagnoli), the checksum of TensorBoard's record framing.
//
// TFRecord files (what TensorBoard reads) protect each record's length and
// payload with a "masked" CRC-32C: the plain CRC rotated right by 15 bits
// plus a constant, so a CRC of data that itself holds CRCs stays well mixed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace recur::trainer {

uint32_t crc32c(const void* data, size_t size);
uint32_t masked_crc32c(const void* data, size_t size);

}  // namespace recur::trainer
