/* Drives tests/compat/modules/buffers.c: the buffer protocol through an extension type that
 * counts its exports, bytes' read-only buffer, the PyBuffer_* helpers, and the argument
 * formats s* z* y* w* s# y# y. Each line is one call and what it gave. */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_buffers(void);

static PyObject* block(PyObject* module, const char* type, Py_ssize_t n, int readonly) {
  return call(module, type, Py_BuildValue("(ni)", n, readonly));
}

static void show_exports(const char* label, PyObject* o) {
  show(label, PyObject_CallMethod(o, "exports", NULL));
}

/* Temporaries passed to calls that borrow them: dropped at the end of the section. */
typedef struct {
  PyObject* items[64];
  int n;
} Pool;
#define I(v) keep(&pool, PyLong_FromLong(v))
static PyObject* keep(Pool* pool, PyObject* o) {
  if (o != NULL && pool->n < 64) pool->items[pool->n++] = o;
  return o;
}
static void drain(Pool* pool) {
  while (pool->n > 0) Py_DECREF(pool->items[--pool->n]);
}

static void show_n(const char* label, Py_ssize_t n) {
  if (n == -1 && PyErr_Occurred()) {
    show(label, NULL);
  } else {
    out("%s: %zd\n", label, n);
  }
}

static void drive_bytearray(PyObject* module, PyObject* bytes, PyObject* text, PyObject* number) {
  Pool pool = {{0}, 0};
  PyObject* ba = PyByteArray_FromStringAndSize("abc", 3);
  if (ba == NULL) {
    show("bytearray", NULL);
    return;
  }
  show("bytearray repr", PyObject_Repr(ba));
  show_n("PyByteArray_Size", PyByteArray_Size(ba));
  out("PyByteArray_AsString: %s\n", PyByteArray_AsString(ba));
  out("AS_STRING/GET_SIZE: %.*s %zd\n", (int)PyByteArray_GET_SIZE(ba), PyByteArray_AS_STRING(ba),
      PyByteArray_GET_SIZE(ba));
  out("Check: %d %d %d %d\n", PyByteArray_Check(ba), PyByteArray_CheckExact(ba),
      PyByteArray_Check(bytes), PyObject_CheckBuffer(ba));
  show("FromObject(b'hello')", PyByteArray_FromObject(bytes));
  show("FromObject([1, 2, 255])",
       PyByteArray_FromObject(keep(&pool, Py_BuildValue("[iii]", 1, 2, 255))));
  show("FromObject(7)", PyByteArray_FromObject(number));
  show("FromObject('cafe')", PyByteArray_FromObject(text));
  show("FromObject([256])", PyByteArray_FromObject(keep(&pool, Py_BuildValue("[i]", 256))));
  show("FromObject(1.5)", PyByteArray_FromObject(keep(&pool, Py_BuildValue("d", 1.5))));
  show("FromObject(ba)", PyByteArray_FromObject(ba));
  PyObject* fresh = PyByteArray_FromStringAndSize(NULL, 2); /* contents unspecified */
  show_n("Size(FromStringAndSize(NULL, 2))", fresh != NULL ? PyByteArray_Size(fresh) : -1);
  Py_XDECREF(fresh);
  show("FromStringAndSize(NULL, -1)", PyByteArray_FromStringAndSize(NULL, -1));
  show("Concat(ba, b'hello')", PyByteArray_Concat(ba, bytes));
  show("Concat(b'hello', ba)", PyByteArray_Concat(bytes, ba));
  show("Concat(ba, 7)", PyByteArray_Concat(ba, number));
  show("bytearray(b'xy')", PyObject_CallFunction((PyObject*)&PyByteArray_Type, "(O)", bytes));
  show("bytearray()", PyObject_CallNoArgs((PyObject*)&PyByteArray_Type));
  show("ba[1]", PySequence_GetItem(ba, 1));
  show("ba[-1]", PyObject_GetItem(ba, keep(&pool, PyLong_FromLong(-1))));
  show("ba[9]", PySequence_GetItem(ba, 9));
  out("ba[0] = 300: %d\n", PySequence_SetItem(ba, 0, keep(&pool, PyLong_FromLong(300))));
  show("error", NULL);
  out("ba[0] = 65: %d\n", PySequence_SetItem(ba, 0, keep(&pool, PyLong_FromLong(65))));
  out("98 in ba: %d\n", PySequence_Contains(ba, keep(&pool, PyLong_FromLong(98))));
  show("ba == b'Abc'", PyObject_RichCompare(ba, keep(&pool, PyBytes_FromString("Abc")), Py_EQ));
  show("ba < b'B'", PyObject_RichCompare(ba, keep(&pool, PyBytes_FromString("B")), Py_LT));
  show("hash(ba)", PyLong_FromSsize_t(PyObject_Hash(ba)));
  out("Resize(ba, 5): %d\n", PyByteArray_Resize(ba, 5)); /* the new bytes are unspecified */
  out("after Resize: %.3s %zd\n", PyByteArray_AS_STRING(ba), PyByteArray_GET_SIZE(ba));
  Py_buffer view;
  if (PyObject_GetBuffer(ba, &view, PyBUF_WRITABLE) == 0) {
    out("Resize(ba, 2) while exported: %d\n", PyByteArray_Resize(ba, 2));
    show("error", NULL);
    out("Resize(ba, 5) while exported (same size): %d\n", PyByteArray_Resize(ba, 5));
    ((char*)view.buf)[4] = 'z';
    PyBuffer_Release(&view);
  }
  out("Resize(ba, 2): %d\n", PyByteArray_Resize(ba, 2));
  show("after Resize", PyObject_Repr(ba));
  SHOW_CALL(module, "ystar", "(ba)", Py_BuildValue("(O)", ba));
  SHOW_CALL(module, "wstar", "(ba)", Py_BuildValue("(O)", ba));
  SHOW_CALL(module, "ysharp", "(ba)", Py_BuildValue("(O)", ba));
  SHOW_CALL(module, "getbuf", "(ba, CONTIG)", Py_BuildValue("(Oi)", ba, PyBUF_CONTIG));
  SHOW_CALL(module, "copydata", "(ba, b'hello')", Py_BuildValue("(OO)", ba, bytes));
  Py_DECREF(ba);
  drain(&pool);
}

static void attr(PyObject* o, const char* name) {
  char label[64];
  snprintf(label, sizeof(label), "mv.%s", name);
  show(label, PyObject_GetAttrString(o, name));
}

static void method(PyObject* o, const char* name) {
  char label[64];
  snprintf(label, sizeof(label), "mv.%s()", name);
  show(label, PyObject_CallMethod(o, name, NULL));
}

static void drive_memoryview(PyObject* module, PyObject* rw, PyObject* bytes, PyObject* number) {
  Pool pool = {{0}, 0};
  PyObject* mv = PyMemoryView_FromObject(rw);
  if (mv == NULL) {
    show("memoryview", NULL);
    return;
  }
  out("PyMemoryView_Check: %d %d\n", PyMemoryView_Check(mv), PyMemoryView_Check(rw));
  out("GET_BASE is rw: %d, GET_BUFFER len %zd\n", PyMemoryView_GET_BASE(mv) == rw,
      PyMemoryView_GET_BUFFER(mv)->len);
  show_exports("rw.exports() with a memoryview", rw);
  show_n("len(mv)", PyObject_Length(mv));
  method(mv, "tolist");
  method(mv, "tobytes");
  attr(mv, "readonly");
  attr(mv, "nbytes");
  attr(mv, "format");
  attr(mv, "itemsize");
  attr(mv, "ndim");
  attr(mv, "c_contiguous");
  show("mv[0]", PySequence_GetItem(mv, 0));
  show("mv[-1]", PyObject_GetItem(mv, keep(&pool, PyLong_FromLong(-1))));
  show("mv[10]", PyObject_GetItem(mv, keep(&pool, PyLong_FromLong(10))));
  show("mv['a']", PyObject_GetItem(mv, keep(&pool, PyUnicode_FromString("a"))));
  out("mv[0] = 77: %d\n", PyObject_SetItem(mv, I(0), I(77)));
  out("mv[0] = 300: %d\n", PyObject_SetItem(mv, I(0), I(300)));
  show("error", NULL);
  out("mv[0] = 'x': %d\n", PyObject_SetItem(mv, I(0), keep(&pool, PyUnicode_FromString("x"))));
  show("error", NULL);
  SHOW_CALL(module, "ystar", "(mv)", Py_BuildValue("(O)", mv));
  SHOW_CALL(module, "getbuf", "(mv, FULL)", Py_BuildValue("(Oi)", mv, PyBUF_FULL));
  PyObject* mv2 = PyMemoryView_FromObject(mv);
  show("mv2.tolist()", mv2 != NULL ? PyObject_CallMethod(mv2, "tolist", NULL) : NULL);
  method(mv, "release"); /* mv2 stays valid: its view is its own */
  if (mv2 != NULL) {
    show("mv2.tolist() after mv.release()", PyObject_CallMethod(mv2, "tolist", NULL));
    show("mv2.release()", PyObject_CallMethod(mv2, "release", NULL));
    Py_DECREF(mv2);
  }
  method(mv, "release");
  show_exports("rw.exports() after release", rw);
  show_n("len(released)", PyObject_Length(mv));
  method(mv, "tolist");
  SHOW_CALL(module, "ystar", "(released)", Py_BuildValue("(O)", mv));
  method(mv, "release");
  Py_DECREF(mv);

  PyObject* ro = PyObject_CallFunction((PyObject*)&PyMemoryView_Type, "(O)", bytes);
  if (ro != NULL) {
    method(ro, "tolist");
    attr(ro, "readonly");
    show("ro.obj is bytes", PyBool_FromLong(PyMemoryView_GET_BASE(ro) == bytes));
    out("ro[0] = 1: %d\n", PyObject_SetItem(ro, I(0), I(1)));
    show("error", NULL);
    SHOW_CALL(module, "wstar", "(ro)", Py_BuildValue("(O)", ro));
    Py_DECREF(ro);
  }
  show("memoryview(7)", PyMemoryView_FromObject(number));

  char memory[4] = {1, 2, 3, 4};
  PyObject* readable = PyMemoryView_FromMemory(memory, 4, PyBUF_READ);
  PyObject* writable = PyMemoryView_FromMemory(memory, 4, PyBUF_WRITE);
  if (readable != NULL && writable != NULL) {
    method(readable, "tolist");
    attr(readable, "readonly");
    attr(writable, "readonly");
    out("writable[3] = 9: %d\n", PyObject_SetItem(writable, keep(&pool, PyLong_FromLong(3)),
                                                  keep(&pool, PyLong_FromLong(9))));
    out("memory[3]: %d\n", memory[3]);
    show("readable.obj", PyObject_GetAttrString(readable, "obj"));
  }
  Py_XDECREF(readable);
  Py_XDECREF(writable);

  /* A 2x3 array stored column by column: a non-contiguous view. */
  char data[6] = {'a', 'd', 'b', 'e', 'c', 'f'};
  Py_ssize_t shape[2] = {2, 3}, strides[2] = {1, 2};
  Py_buffer info = {0};
  info.buf = data;
  info.len = 6;
  info.itemsize = 1;
  info.ndim = 2;
  info.format = "B";
  info.shape = shape;
  info.strides = strides;
  PyObject* grid = PyMemoryView_FromBuffer(&info);
  if (grid != NULL) {
    show_n("len(grid)", PyObject_Length(grid));
    attr(grid, "ndim");
    attr(grid, "c_contiguous");
    method(grid, "tobytes");
    PyObject* c = PyMemoryView_GetContiguous(grid, PyBUF_READ, 'C');
    show("GetContiguous(grid, READ, 'C').tobytes()",
         c != NULL ? PyObject_CallMethod(c, "tobytes", NULL) : NULL);
    Py_XDECREF(c);
    PyObject* f = PyMemoryView_GetContiguous(grid, PyBUF_WRITE, 'F');
    show("GetContiguous(grid, WRITE, 'F').c_contiguous",
         f != NULL ? PyObject_GetAttrString(f, "c_contiguous") : NULL);
    Py_XDECREF(f);
    show("GetContiguous(grid, WRITE, 'C')", PyMemoryView_GetContiguous(grid, PyBUF_WRITE, 'C'));
    method(grid, "release");
    Py_DECREF(grid);
  }
  info.buf = NULL;
  show("FromBuffer(buf NULL)", PyMemoryView_FromBuffer(&info));
  PyObject* whole = PyMemoryView_GetContiguous(rw, PyBUF_WRITE, 'C');
  show("GetContiguous(rw, WRITE, 'C').tolist()",
       whole != NULL ? PyObject_CallMethod(whole, "tolist", NULL) : NULL);
  Py_XDECREF(whole);

  PyObject* array = PyByteArray_FromStringAndSize("xyz", 3);
  PyObject* held = PyMemoryView_FromObject(array);
  out("Resize(bytearray, 1) under a memoryview: %d\n", PyByteArray_Resize(array, 1));
  show("error", NULL);
  method(held, "release");
  out("Resize(bytearray, 1) after release: %d\n", PyByteArray_Resize(array, 1));
  Py_DECREF(held);
  Py_DECREF(array);
  drain(&pool);
}

static void drive(PyObject* module) {
  PyObject* rw = block(module, "Block", 5, 0);
  PyObject* ro = block(module, "Block", 4, 1);
  PyObject* sub = block(module, "SubBlock", 3, 0);
  PyObject* heap = block(module, "HeapBlock", 6, 0);
  PyObject* bytes = PyBytes_FromString("hello");
  PyObject* text = PyUnicode_FromString("caf\xc3\xa9");
  PyObject* number = PyLong_FromLong(7);
  if (rw == NULL || ro == NULL || sub == NULL || heap == NULL) {
    show("setup", NULL);
    return;
  }
  show("HEAP_HAS_GETBUFFER", PyObject_GetAttrString(module, "HEAP_HAS_GETBUFFER"));

  /* PyObject_CheckBuffer: the exporter, its subclass, the heap type, bytes; not str/int. */
  SHOW_CALL(module, "checkbuffer", "(rw)", Py_BuildValue("(O)", rw));
  SHOW_CALL(module, "checkbuffer", "(sub)", Py_BuildValue("(O)", sub));
  SHOW_CALL(module, "checkbuffer", "(heap)", Py_BuildValue("(O)", heap));
  SHOW_CALL(module, "checkbuffer", "(b'hello')", Py_BuildValue("(O)", bytes));
  SHOW_CALL(module, "checkbuffer", "('cafe')", Py_BuildValue("(O)", text));
  SHOW_CALL(module, "checkbuffer", "(7)", Py_BuildValue("(O)", number));

  /* PyObject_GetBuffer with each kind of request. */
  SHOW_CALL(module, "getbuf", "(rw, SIMPLE)", Py_BuildValue("(Oi)", rw, PyBUF_SIMPLE));
  SHOW_CALL(module, "getbuf", "(rw, WRITABLE)", Py_BuildValue("(Oi)", rw, PyBUF_WRITABLE));
  SHOW_CALL(module, "getbuf", "(rw, FORMAT)", Py_BuildValue("(Oi)", rw, PyBUF_FORMAT));
  SHOW_CALL(module, "getbuf", "(rw, ND)", Py_BuildValue("(Oi)", rw, PyBUF_ND));
  SHOW_CALL(module, "getbuf", "(rw, STRIDES)", Py_BuildValue("(Oi)", rw, PyBUF_STRIDES));
  SHOW_CALL(module, "getbuf", "(rw, FULL)", Py_BuildValue("(Oi)", rw, PyBUF_FULL));
  SHOW_CALL(module, "getbuf", "(rw, RECORDS_RO)", Py_BuildValue("(Oi)", rw, PyBUF_RECORDS_RO));
  SHOW_CALL(module, "getbuf", "(ro, CONTIG_RO)", Py_BuildValue("(Oi)", ro, PyBUF_CONTIG_RO));
  SHOW_CALL(module, "getbuf", "(ro, CONTIG)", Py_BuildValue("(Oi)", ro, PyBUF_CONTIG));
  SHOW_CALL(module, "getbuf", "(sub, STRIDED_RO)", Py_BuildValue("(Oi)", sub, PyBUF_STRIDED_RO));
  SHOW_CALL(module, "getbuf", "(heap, STRIDED)", Py_BuildValue("(Oi)", heap, PyBUF_STRIDED));
  SHOW_CALL(module, "getbuf", "(b'hello', FULL_RO)", Py_BuildValue("(Oi)", bytes, PyBUF_FULL_RO));
  SHOW_CALL(module, "getbuf", "(b'hello', WRITABLE)",
            Py_BuildValue("(Oi)", bytes, PyBUF_WRITABLE));
  SHOW_CALL(module, "getbuf", "(b'hello', RECORDS)", Py_BuildValue("(Oi)", bytes, PyBUF_RECORDS));
  SHOW_CALL(module, "getbuf", "('cafe', SIMPLE)", Py_BuildValue("(Oi)", text, PyBUF_SIMPLE));
  SHOW_CALL(module, "getbuf", "(7, SIMPLE)", Py_BuildValue("(Oi)", number, PyBUF_SIMPLE));
  out("flags: %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d\n", PyBUF_MAX_NDIM,
      PyBUF_SIMPLE, PyBUF_WRITABLE, PyBUF_WRITEABLE, PyBUF_FORMAT, PyBUF_ND, PyBUF_STRIDES,
      PyBUF_C_CONTIGUOUS, PyBUF_F_CONTIGUOUS, PyBUF_ANY_CONTIGUOUS, PyBUF_INDIRECT,
      PyBUF_CONTIG, PyBUF_CONTIG_RO, PyBUF_STRIDED, PyBUF_RECORDS, PyBUF_FULL, PyBUF_FULL_RO,
      PyBUF_READ, PyBUF_WRITE);

  /* Exports are counted while views are held and drop back on release. */
  SHOW_CALL(module, "hold_two", "(rw)", Py_BuildValue("(O)", rw));
  SHOW_CALL(module, "hold_two", "(heap)", Py_BuildValue("(O)", heap));
  show_exports("rw.exports()", rw);

  /* Argument formats. */
  SHOW_CALL(module, "ystar", "(rw)", Py_BuildValue("(O)", rw));
  SHOW_CALL(module, "ystar", "(b'hello')", Py_BuildValue("(O)", bytes));
  SHOW_CALL(module, "ystar", "('cafe')", Py_BuildValue("(O)", text));
  SHOW_CALL(module, "ystar", "(7)", Py_BuildValue("(O)", number));
  SHOW_CALL(module, "sstar", "('cafe')", Py_BuildValue("(O)", text));
  SHOW_CALL(module, "sstar", "(ro)", Py_BuildValue("(O)", ro));
  SHOW_CALL(module, "sstar", "(None)", Py_BuildValue("(O)", Py_None));
  SHOW_CALL(module, "zstar", "(None)", Py_BuildValue("(O)", Py_None));
  SHOW_CALL(module, "zstar", "(b'hello')", Py_BuildValue("(O)", bytes));
  SHOW_CALL(module, "zstar", "(7)", Py_BuildValue("(O)", number));
  SHOW_CALL(module, "wstar", "(rw)", Py_BuildValue("(O)", rw));
  SHOW_CALL(module, "getbuf", "(rw, SIMPLE) after w*", Py_BuildValue("(Oi)", rw, PyBUF_SIMPLE));
  SHOW_CALL(module, "wstar", "(ro)", Py_BuildValue("(O)", ro));
  SHOW_CALL(module, "wstar", "(b'hello')", Py_BuildValue("(O)", bytes));
  SHOW_CALL(module, "wstar", "('cafe')", Py_BuildValue("(O)", text));
  show_exports("ro.exports() after refused w*", ro);
  SHOW_CALL(module, "ystar_str", "(rw, 7)", Py_BuildValue("(OO)", rw, number));
  show_exports("rw.exports() after a failed parse", rw);
  SHOW_CALL(module, "ystar_str", "(rw, 'x')", Py_BuildValue("(Os)", rw, "x"));
  show_exports("rw.exports()", rw);
  SHOW_CALL(module, "ysharp", "(b'hello')", Py_BuildValue("(O)", bytes));
  SHOW_CALL(module, "ysharp", "(rw)", Py_BuildValue("(O)", rw));
  SHOW_CALL(module, "ysharp", "('cafe')", Py_BuildValue("(O)", text));
  SHOW_CALL(module, "ysharp", "(7)", Py_BuildValue("(O)", number));
  SHOW_CALL(module, "ssharp", "('cafe')", Py_BuildValue("(O)", text));
  SHOW_CALL(module, "ssharp", "(b'hello')", Py_BuildValue("(O)", bytes));
  SHOW_CALL(module, "ssharp", "(rw)", Py_BuildValue("(O)", rw));
  SHOW_CALL(module, "ssharp", "(7)", Py_BuildValue("(O)", number));
  SHOW_CALL(module, "yplain", "(b'hello')", Py_BuildValue("(O)", bytes));
  SHOW_CALL(module, "yplain", "(b'a\\0b')",
            Py_BuildValue("(N)", PyBytes_FromStringAndSize("a\0b", 3)));
  SHOW_CALL(module, "yplain", "(7)", Py_BuildValue("(O)", number));

  /* The helpers. */
  SHOW_CALL(module, "fillinfo", "(1, SIMPLE)", Py_BuildValue("(ii)", 1, PyBUF_SIMPLE));
  SHOW_CALL(module, "fillinfo", "(0, CONTIG)", Py_BuildValue("(ii)", 0, PyBUF_CONTIG));
  SHOW_CALL(module, "fillinfo", "(1, WRITABLE)", Py_BuildValue("(ii)", 1, PyBUF_WRITABLE));
  SHOW_CALL(module, "fillinfo_null", "()", PyTuple_New(0));
  SHOW_CALL(module, "copydata", "(rw, b'HEL')", Py_BuildValue("(Oy)", rw, "HEL"));
  SHOW_CALL(module, "copydata", "(rw, b'toolong')", Py_BuildValue("(Oy)", rw, "toolong"));
  SHOW_CALL(module, "copydata", "(b'hello', rw)", Py_BuildValue("(OO)", bytes, rw));
  SHOW_CALL(module, "copydata", "(rw, 'cafe')", Py_BuildValue("(OO)", rw, text));
  show_exports("rw.exports() after copies", rw);
  const char* formats[] = {"B", "i", "d", "<q", "=l", "@bi", "3s", "2h", "!H", "?", "P", "e"};
  for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
    char label[64];
    snprintf(label, sizeof(label), "sizefromformat('%s')", formats[i]);
    show(label, call(module, "sizefromformat", Py_BuildValue("(s)", formats[i])));
  }
  SHOW_CALL(module, "strided", "()", PyTuple_New(0));

  drive_bytearray(module, bytes, text, number);
  drive_memoryview(module, rw, bytes, number);

  Py_DECREF(rw);
  Py_DECREF(ro);
  Py_DECREF(sub);
  Py_DECREF(heap);
  Py_XDECREF(bytes);
  Py_XDECREF(text);
  Py_XDECREF(number);
}

DIFFERENTIAL_MAIN("buffers", PyInit_buffers, drive)
