// The pickle machine for torch.save files (see pickle_reader.h). Opcode
// meanings follow Python's Lib/pickletools.py, the format's documentation.
#include "checkpoints/pickle_reader.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "common/error.h"

namespace recur::checkpoints {
namespace {

using Kind = PickleValue::Kind;

PickleRef make(Kind kind) {
  auto v = std::make_shared<PickleValue>();
  v->kind = kind;
  return v;
}

PickleRef make_int(Kind kind, int64_t value) {
  PickleRef v = make(kind);
  v->int_value = value;
  return v;
}

PickleRef make_text(Kind kind, std::string text) {
  PickleRef v = make(kind);
  v->text = std::move(text);
  return v;
}

// torch.<Name>Storage -> the element type of a typed storage.
bool storage_dtype(const std::string& global, torch::ScalarType* dtype) {
  static const std::map<std::string, torch::ScalarType> kTypes = {
      {"torch.FloatStorage", torch::kFloat32}, {"torch.DoubleStorage", torch::kFloat64},
      {"torch.HalfStorage", torch::kFloat16},  {"torch.BFloat16Storage", torch::kBFloat16},
      {"torch.LongStorage", torch::kInt64},    {"torch.IntStorage", torch::kInt32},
      {"torch.ShortStorage", torch::kInt16},   {"torch.CharStorage", torch::kInt8},
      {"torch.ByteStorage", torch::kUInt8},    {"torch.BoolStorage", torch::kBool}};
  auto it = kTypes.find(global);
  if (it == kTypes.end()) return false;
  *dtype = it->second;
  return true;
}

class Machine {
 public:
  Machine(const std::string& bytes, const StorageLoader& load_storage, const std::string& path)
      : bytes_(bytes), load_storage_(load_storage), path_(path) {}

  PickleRef run() {
    while (true) {
      unsigned char op = read_u8();
      if (op == '.') break;  // STOP
      step(op);
    }
    if (stack_.size() != 1) fail("the pickle does not end with exactly one object");
    return stack_.back();
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw InputError(path_, "cannot read the pickle: " + what); }

  // ---- input
  const char* take(size_t n) {
    if (n > bytes_.size() - pos_) fail("it ends early (truncated file)");
    const char* p = bytes_.data() + pos_;
    pos_ += n;
    return p;
  }
  unsigned char read_u8() { return static_cast<unsigned char>(*take(1)); }
  uint64_t read_le(size_t n) {  // little-endian unsigned
    const unsigned char* p = reinterpret_cast<const unsigned char*>(take(n));
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
    return v;
  }
  std::string read_bytes(uint64_t n) { return std::string(take(n), n); }
  std::string read_line() {
    size_t end = bytes_.find('\n', pos_);
    if (end == std::string::npos) fail("a GLOBAL name has no end");
    std::string line = bytes_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return line;
  }

  // ---- stack
  PickleRef pop() {
    if (stack_.empty() || stack_.size() == marks_.back_or_zero()) fail("stack underflow (corrupt pickle)");
    PickleRef v = stack_.back();
    stack_.pop_back();
    return v;
  }
  std::vector<PickleRef> pop_to_mark() {
    if (marks_.empty()) fail("no MARK on the stack (corrupt pickle)");
    size_t mark = marks_.pop();
    std::vector<PickleRef> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
    stack_.resize(mark);
    return items;
  }
  PickleRef& top() {
    if (stack_.empty()) fail("stack underflow (corrupt pickle)");
    return stack_.back();
  }
  PickleRef tuple_of(std::vector<PickleRef> items) {
    PickleRef t = make(Kind::kTuple);
    t->items = std::move(items);
    return t;
  }
  void memo_get(uint64_t index) {
    auto it = memo_.find(index);
    if (it == memo_.end()) fail("memo entry " + std::to_string(index) + " is missing (corrupt pickle)");
    stack_.push_back(it->second);
  }
  void set_items(PickleRef& dict, const std::vector<PickleRef>& flat) {
    if (dict->kind != Kind::kDict || flat.size() % 2 != 0) fail("SETITEMS on something that is not a dict");
    for (size_t i = 0; i < flat.size(); i += 2) dict->entries.emplace_back(flat[i], flat[i + 1]);
  }
  void append_items(PickleRef& list, const std::vector<PickleRef>& items) {
    if (list->kind != Kind::kList) fail("APPENDS on something that is not a list");
    list->items.insert(list->items.end(), items.begin(), items.end());
  }

  void step(unsigned char op);
  PickleRef call(const PickleRef& callable, const PickleRef& args);
  PickleRef rebuild_tensor(const std::vector<PickleRef>& args);
  PickleRef persistent_load(const PickleRef& pid);

  // MARK positions; back_or_zero() lets pop() refuse to cross the innermost mark.
  struct Marks {
    std::vector<size_t> v;
    bool empty() const { return v.empty(); }
    void push(size_t m) { v.push_back(m); }
    size_t pop() {
      size_t m = v.back();
      v.pop_back();
      return m;
    }
    size_t back_or_zero() const { return v.empty() ? 0 : v.back(); }
  };

  const std::string& bytes_;
  const StorageLoader& load_storage_;
  const std::string& path_;
  size_t pos_ = 0;
  std::vector<PickleRef> stack_;
  Marks marks_;
  std::map<uint64_t, PickleRef> memo_;
  std::map<std::string, torch::Tensor> storages_;  // shared storages are loaded once
};

void Machine::step(unsigned char op) {
  switch (op) {
    case 0x80: read_u8(); break;      // PROTO
    case 0x95: read_le(8); break;     // FRAME: a length hint only
    case '(': marks_.push(stack_.size()); break;  // MARK
    case '0': pop(); break;           // POP
    case '1': pop_to_mark(); break;   // POP_MARK
    case '2': stack_.push_back(top()); break;  // DUP
    case 'N': stack_.push_back(make(Kind::kNone)); break;
    case 0x88: stack_.push_back(make_int(Kind::kBool, 1)); break;  // NEWTRUE
    case 0x89: stack_.push_back(make_int(Kind::kBool, 0)); break;  // NEWFALSE
    case 'J': stack_.push_back(make_int(Kind::kInt, static_cast<int32_t>(read_le(4)))); break;  // BININT
    case 'K': stack_.push_back(make_int(Kind::kInt, static_cast<int64_t>(read_le(1)))); break;  // BININT1
    case 'M': stack_.push_back(make_int(Kind::kInt, static_cast<int64_t>(read_le(2)))); break;  // BININT2
    case 0x8a: {  // LONG1: n-byte little-endian two's complement
      size_t n = read_u8();
      if (n > 8) fail("an integer wider than 64 bits");
      uint64_t v = n ? read_le(n) : 0;
      if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t{0} << (8 * n);  // sign-extend
      stack_.push_back(make_int(Kind::kInt, static_cast<int64_t>(v)));
      break;
    }
    case 'G': {  // BINFLOAT: big-endian IEEE double
      uint64_t bits = 0;
      const unsigned char* p = reinterpret_cast<const unsigned char*>(take(8));
      for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
      PickleRef v = make(Kind::kFloat);
      std::memcpy(&v->float_value, &bits, 8);
      stack_.push_back(v);
      break;
    }
    case 'X': stack_.push_back(make_text(Kind::kString, read_bytes(read_le(4)))); break;    // BINUNICODE
    case 0x8c: stack_.push_back(make_text(Kind::kString, read_bytes(read_le(1)))); break;   // SHORT_BINUNICODE
    case 0x8d: stack_.push_back(make_text(Kind::kString, read_bytes(read_le(8)))); break;   // BINUNICODE8
    case 'T': case 'B': stack_.push_back(make_text(Kind::kString, read_bytes(read_le(4)))); break;  // BINSTRING, BINBYTES
    case 'U': case 'C': stack_.push_back(make_text(Kind::kString, read_bytes(read_le(1)))); break;  // SHORT_BIN*
    case ')': stack_.push_back(tuple_of({})); break;  // EMPTY_TUPLE
    case 't': stack_.push_back(tuple_of(pop_to_mark())); break;  // TUPLE
    case 0x85: case 0x86: case 0x87: {  // TUPLE1..3
      std::vector<PickleRef> items(op - 0x84);
      for (size_t i = items.size(); i-- > 0;) items[i] = pop();
      stack_.push_back(tuple_of(std::move(items)));
      break;
    }
    case ']': stack_.push_back(make(Kind::kList)); break;  // EMPTY_LIST
    case 'l': { PickleRef l = make(Kind::kList); l->items = pop_to_mark(); stack_.push_back(l); break; }  // LIST
    case 'a': { PickleRef item = pop(); append_items(top(), {item}); break; }  // APPEND
    case 'e': { std::vector<PickleRef> items = pop_to_mark(); append_items(top(), items); break; }  // APPENDS
    case '}': stack_.push_back(make(Kind::kDict)); break;  // EMPTY_DICT
    case 'd': { PickleRef d = make(Kind::kDict); std::vector<PickleRef> flat = pop_to_mark(); set_items(d, flat); stack_.push_back(d); break; }  // DICT
    case 's': { PickleRef value = pop(); PickleRef key = pop(); set_items(top(), {key, value}); break; }  // SETITEM
    case 'u': { std::vector<PickleRef> flat = pop_to_mark(); set_items(top(), flat); break; }  // SETITEMS
    case 'c': {  // GLOBAL "module\nname\n"
      std::string module = read_line();
      stack_.push_back(make_text(Kind::kGlobal, module + "." + read_line()));
      break;
    }
    case 0x93: {  // STACK_GLOBAL
      PickleRef name = pop();
      PickleRef module = pop();
      if (name->kind != Kind::kString || module->kind != Kind::kString) fail("STACK_GLOBAL without names");
      stack_.push_back(make_text(Kind::kGlobal, module->text + "." + name->text));
      break;
    }
    case 'R': { PickleRef args = pop(); PickleRef callable = pop(); stack_.push_back(call(callable, args)); break; }  // REDUCE
    case 0x81: { PickleRef args = pop(); PickleRef cls = pop(); stack_.push_back(call(cls, args)); break; }  // NEWOBJ
    case 'b': {  // BUILD: an OrderedDict's state (state_dict._metadata) is not needed
      pop();
      if (top()->kind != Kind::kDict) fail("BUILD on a " + pickle_kind_name(top()->kind) + " (unsupported object)");
      break;
    }
    case 'Q': { PickleRef pid = pop(); stack_.push_back(persistent_load(pid)); break; }  // BINPERSID
    case 'q': memo_[read_le(1)] = top(); break;   // BINPUT
    case 'r': memo_[read_le(4)] = top(); break;   // LONG_BINPUT
    case 0x94: memo_[memo_.size()] = top(); break;  // MEMOIZE
    case 'h': memo_get(read_le(1)); break;        // BINGET
    case 'j': memo_get(read_le(4)); break;        // LONG_BINGET
    default: {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "0x%02x", op);
      fail(std::string("opcode ") + hex + " is not supported (not a torch.save file of tensors?)");
    }
  }
}

PickleRef Machine::call(const PickleRef& callable, const PickleRef& args) {
  if (callable->kind != Kind::kGlobal || args->kind != Kind::kTuple) fail("a call of something that is not a class");
  const std::string& name = callable->text;
  if (name == "collections.OrderedDict" || name == "builtins.dict") {
    if (!args->items.empty()) fail(name + " with arguments is not supported");
    return make(Kind::kDict);
  }
  if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor")
    return rebuild_tensor(args->items);
  if (name == "torch.jit._pickle.restore_type_tag") {  // LibTorch's typed containers: (value, "Dict[str, Tensor]")
    if (args->items.empty()) fail(name + " without a value");
    return args->items[0];
  }
  if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
    if (args->items.empty() || args->items[0]->kind != Kind::kTensor) fail(name + " without a tensor");
    return args->items[0];
  }
  fail("it holds a '" + name + "' object; recur reads dicts of tensors (torch.save(model.state_dict(), f))");
}

PickleRef Machine::rebuild_tensor(const std::vector<PickleRef>& args) {
  // (storage, storage_offset, size, stride, ...requires_grad, backward_hooks, metadata: unused)
  if (args.size() < 4 || args[0]->kind != Kind::kTensor || args[1]->kind != Kind::kInt ||
      args[2]->kind != Kind::kTuple || args[3]->kind != Kind::kTuple)
    fail("a tensor record with unexpected arguments");
  std::vector<int64_t> sizes, strides;
  for (const PickleRef& s : args[2]->items) sizes.push_back(s->int_value);
  for (const PickleRef& s : args[3]->items) strides.push_back(s->int_value);
  if (sizes.size() != strides.size()) fail("a tensor whose size and stride differ in length");
  const torch::Tensor& storage = args[0]->tensor;
  int64_t offset = args[1]->int_value;
  // The furthest element the view touches must lie in the storage (overflow-checked:
  // a corrupt file must fail here, not make a view of memory it does not own).
  int64_t last = offset;
  bool empty = false;
  for (size_t i = 0; i < sizes.size(); ++i) {
    int64_t reach = 0;
    if (sizes[i] < 0 || strides[i] < 0 || __builtin_mul_overflow(std::max<int64_t>(sizes[i] - 1, 0), strides[i], &reach) ||
        __builtin_add_overflow(last, reach, &last))
      fail("a tensor with an impossible size or stride (corrupt file)");
    empty = empty || sizes[i] == 0;
  }
  if (offset < 0 || (!empty && last >= storage.numel()))
    fail("a tensor that reaches past its storage (corrupt file)");
  PickleRef v = make(Kind::kTensor);
  torch::Tensor view = storage.as_strided(sizes, strides, offset);
  // A view of the whole storage is kept as is; a part of a shared storage is copied out.
  bool whole = offset == 0 && view.is_contiguous() && view.numel() == storage.numel();
  v->tensor = whole ? view : view.clone(at::MemoryFormat::Contiguous);
  return v;
}

PickleRef Machine::persistent_load(const PickleRef& pid) {
  const auto& f = pid->items;
  if (pid->kind != Kind::kTuple || f.size() != 5 || f[0]->kind != Kind::kString || f[0]->text != "storage" ||
      f[1]->kind != Kind::kGlobal || f[2]->kind != Kind::kString || f[4]->kind != Kind::kInt)
    fail("a persistent reference that is not a tensor storage");
  torch::ScalarType dtype;
  if (!storage_dtype(f[1]->text, &dtype)) fail("storage type '" + f[1]->text + "' is not supported");
  const std::string& key = f[2]->text;
  auto it = storages_.find(key);
  if (it == storages_.end()) it = storages_.emplace(key, load_storage_(key, dtype, f[4]->int_value)).first;
  if (it->second.scalar_type() != dtype) fail("storage " + key + " is used with two element types");
  PickleRef v = make(Kind::kTensor);
  v->tensor = it->second;
  return v;
}

}  // namespace

std::string pickle_kind_name(PickleValue::Kind kind) {
  switch (kind) {
    case Kind::kNone: return "None";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kString: return "string";
    case Kind::kTuple: return "tuple";
    case Kind::kList: return "list";
    case Kind::kDict: return "dict";
    case Kind::kGlobal: return "class";
    case Kind::kTensor: return "tensor";
  }
  return "?";
}

PickleRef unpickle(const std::string& bytes, const StorageLoader& load_storage, const std::string& path) {
  return Machine(bytes, load_storage, path).run();
}

}  // namespace recur::checkpoints
