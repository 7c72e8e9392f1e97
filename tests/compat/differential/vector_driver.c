/* Drives tests/compat/modules/vector.c and the builtin containers through the sequence,
 * mapping, slice and iterator protocols: each line is one call and what it gave (the
 * result's repr, the number returned, or the exception raised). Iterators are named by
 * their type, never printed (their reprs hold addresses). */
#include "diff_support.h"

PyMODINIT_FUNC PyInit_vector(void);

#define LABEL(...) (snprintf(label, sizeof(label), __VA_ARGS__), label)

/* A Py_ssize_t result: the number, or the exception when it is -1 with one set. */
static void show_n(const char* text, Py_ssize_t n) {
  if (n == -1 && PyErr_Occurred()) {
    show(text, NULL);
  } else {
    out("%s: %zd\n", text, n);
  }
}

static PyObject* slice3(PyObject* start, PyObject* stop, PyObject* step) {
  PyObject* slice = PySlice_New(start, stop, step);
  Py_XDECREF(start);
  Py_XDECREF(stop);
  Py_XDECREF(step);
  return slice;
}

static PyObject* I(long v) { return PyLong_FromLong(v); }
static PyObject* S(const char* s) { return PyUnicode_FromString(s); }

/* Prints what iterating `o` gives: the iterator's type, its length hints, the items. */
static void show_iteration(const char* name, PyObject* o) {
  char label[200];
  PyObject* it = PyObject_GetIter(o);
  if (it == NULL) {
    show(LABEL("%s iter", name), NULL);
    return;
  }
  out("%s iter: %s (PyIter_Check %d)\n", name, Py_TYPE(it)->tp_name, PyIter_Check(it));
  show_n(LABEL("%s PyObject_LengthHint(iter)", name), PyObject_LengthHint(it, -7));
  PyObject* items = PyList_New(0);
  PyObject* item;
  while ((item = PyIter_Next(it)) != NULL) {
    PyList_Append(items, item);
    Py_DECREF(item);
  }
  if (PyErr_Occurred()) show(LABEL("%s PyIter_Next", name), NULL);
  show(LABEL("%s items", name), items);
  show_n(LABEL("%s PyObject_LengthHint(exhausted)", name), PyObject_LengthHint(it, -7));
  show(LABEL("%s PyIter_Next(exhausted)", name), PyIter_Next(it));
  Py_DECREF(it);
}

/* The read-only protocols on `o`; `member` is an item of it, `absent` is not (both
 * stolen). */
static void survey(const char* name, PyObject* o, PyObject* member, PyObject* absent) {
  char label[200];
  show_n(LABEL("%s PyObject_Size", name), PyObject_Size(o));
  show_n(LABEL("%s PyObject_Length", name), PyObject_Length(o));
  out("%s PySequence_Check: %d\n", name, PySequence_Check(o));
  out("%s PyMapping_Check: %d\n", name, PyMapping_Check(o));
  show_n(LABEL("%s PySequence_Size", name), PySequence_Size(o));
  show_n(LABEL("%s PySequence_Length", name), PySequence_Length(o));
  show_n(LABEL("%s PyMapping_Size", name), PyMapping_Size(o));
  show_n(LABEL("%s PyMapping_Length", name), PyMapping_Length(o));

  struct {
    const char* text;
    PyObject* key;
  } keys[] = {
      {"1", I(1)},
      {"-1", I(-1)},
      {"99", I(99)},
      {"True", Py_NewRef(Py_True)},
      {"'a'", S("a")},
      {"1.5", PyFloat_FromDouble(1.5)},
      {"::-1", slice3(NULL, NULL, I(-1))},
      {"1::2", slice3(I(1), NULL, I(2))},
      {"-1:-5:-2", slice3(I(-1), I(-5), I(-2))},
      {"1:4", slice3(I(1), I(4), NULL)},
      {"-100:100", slice3(I(-100), I(100), NULL)},
      {"::0", slice3(NULL, NULL, I(0))},
      {"'a':", slice3(S("a"), NULL, NULL)},
  };
  for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); ++k) {
    show(LABEL("%s[%s]", name, keys[k].text), PyObject_GetItem(o, keys[k].key));
    Py_DECREF(keys[k].key);
  }
  show(LABEL("%s PySequence_GetItem(-2)", name), PySequence_GetItem(o, -2));
  show(LABEL("%s PySequence_GetItem(99)", name), PySequence_GetItem(o, 99));
  show(LABEL("%s PySequence_GetSlice(1, 3)", name), PySequence_GetSlice(o, 1, 3));
  show(LABEL("%s PySequence_GetSlice(-3, 100)", name), PySequence_GetSlice(o, -3, 100));
  show_n(LABEL("%s PySequence_Contains(member)", name), PySequence_Contains(o, member));
  show_n(LABEL("%s PySequence_Contains(absent)", name), PySequence_Contains(o, absent));
  show_n(LABEL("%s PySequence_In(member)", name), PySequence_In(o, member));
  show_n(LABEL("%s PySequence_Count(member)", name), PySequence_Count(o, member));
  show_n(LABEL("%s PySequence_Index(member)", name), PySequence_Index(o, member));
  show_n(LABEL("%s PySequence_Index(absent)", name), PySequence_Index(o, absent));
  show(LABEL("%s PySequence_Concat(self)", name), PySequence_Concat(o, o));
  show(LABEL("%s PySequence_Repeat(2)", name), PySequence_Repeat(o, 2));
  show(LABEL("%s PySequence_Repeat(-1)", name), PySequence_Repeat(o, -1));
  show(LABEL("%s PySequence_Tuple", name), PySequence_Tuple(o));
  show(LABEL("%s PySequence_List", name), PySequence_List(o));
  show_iteration(name, o);
  Py_DECREF(member);
  Py_DECREF(absent);
}

static void builtins(PyObject* module) {
  PyObject* list = Py_BuildValue("[iiisi]", 10, 20, 30, "x", 20);
  survey("list", list, I(20), I(7));
  PyObject* tuple = Py_BuildValue("(iiisi)", 10, 20, 30, "x", 20);
  survey("tuple", tuple, I(20), I(7));
  PyObject* text = PyUnicode_FromString("h\xc3\xa9llo w\xe2\x82\xacrld");
  survey("str", text, S("llo"), S("z"));
  PyObject* ascii = S("abc");
  survey("ascii", ascii, S("b"), I(1));
  PyObject* bytes = PyBytes_FromStringAndSize("ab\x00\xff" "b", 5);
  survey("bytes", bytes, I(98), I(300));
  survey("bytes_in", bytes, PyBytes_FromString("\xff" "b"), S("b"));
  PyObject* dict = Py_BuildValue("{sisi}", "a", 1, "b", 2);
  survey("dict", dict, S("a"), S("z"));
  PyObject* number = I(5);
  survey("int", number, I(5), I(6));
  PyObject* v = call(module, "make", Py_BuildValue("([iiisi])", 1, 2, 3, "x", 2));
  survey("vector", v, I(2), I(9));
  PyObject* c = call(module, "cycle", Py_BuildValue("(i)", 3));
  survey("cycle", c, I(2), I(9));
  /* Everything by inheritance (slot tables, tp_iter, tp_repr, GC, Py_TPFLAGS_SEQUENCE). */
  PyObject* sub = call(module, "sub", Py_BuildValue("([iii])", 4, 5, 6));
  survey("subvector", sub, I(5), I(9));

  PyObject* kinds[] = {list, tuple, text, bytes, dict, number, v, c, sub};
  for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); ++k) {
    PyTypeObject* type = Py_TYPE(kinds[k]);
    out("%s: Py_TPFLAGS_SEQUENCE %d, Py_TPFLAGS_MAPPING %d\n", type->tp_name,
        PyType_HasFeature(type, Py_TPFLAGS_SEQUENCE), PyType_HasFeature(type, Py_TPFLAGS_MAPPING));
  }
  show("list + tuple", PySequence_Concat(list, tuple));
  show("list + vector", PySequence_Concat(list, v));
  show("tuple + list", PySequence_Concat(tuple, list));
  show("str + 1", PySequence_Concat(text, number));
  show("bytes + str", PySequence_Concat(bytes, text));
  show("vector + list", PySequence_Concat(v, list));
  show("vector + subvector", PySequence_Concat(v, sub));
  show("PySequence_InPlaceConcat(tuple, tuple)", PySequence_InPlaceConcat(tuple, tuple));
  show("PySequence_InPlaceRepeat(str, 3)", PySequence_InPlaceRepeat(ascii, 3));
  show("PySequence_InPlaceConcat(int, int)", PySequence_InPlaceConcat(number, number));
  show("PySequence_InPlaceRepeat(int, 2)", PySequence_InPlaceRepeat(number, 2));
  show("PySequence_ITEM(tuple, 1)", PySequence_ITEM(tuple, 1));
  show("PySequence_ITEM(vector, 0)", PySequence_ITEM(v, 0));
  show("int type[0]", PyObject_GetItem((PyObject*)&PyLong_Type, number));

  /* What cannot be assigned. */
  show_n("tuple[0] = 1", PyObject_SetItem(tuple, number, number));
  show_n("del tuple[0]", PyObject_DelItem(tuple, number));
  show_n("PySequence_SetItem(tuple, 0)", PySequence_SetItem(tuple, 0, number));
  show_n("PySequence_DelItem(tuple, 0)", PySequence_DelItem(tuple, 0));
  show_n("PySequence_SetSlice(tuple)", PySequence_SetSlice(tuple, 0, 1, list));
  show_n("PySequence_DelSlice(tuple)", PySequence_DelSlice(tuple, 0, 1));
  show_n("str[0] = 1", PyObject_SetItem(text, number, number));
  show_n("vector[0] = 1", PyObject_SetItem(v, number, number));
  show_n("del vector[0]", PyObject_DelItem(v, number));
  show_n("cycle[0] = 1", PyObject_SetItem(c, number, number));
  show_n("cycle['a'] = 1", PyObject_SetItem(c, ascii, number));
  show_n("del cycle[0]", PyObject_DelItem(c, number));
  show_n("int[0] = 1", PyObject_SetItem(number, number, number));
  show_n("del int[0]", PyObject_DelItem(number, number));
  show_n("PyObject_DelItemString(int)", PyObject_DelItemString(number, "a"));
  show_n("PySequence_SetItem(int, 0)", PySequence_SetItem(number, 0, number));
  show_n("PySequence_DelItem(int, 0)", PySequence_DelItem(number, 0));
  show_n("PySequence_SetSlice(int)", PySequence_SetSlice(number, 0, 1, list));
  show_n("PySequence_DelSlice(int)", PySequence_DelSlice(number, 0, 1));
  show("PySequence_GetItem(dict, 0)", PySequence_GetItem(dict, 0));
  show_n("PySequence_SetItem(dict, 0)", PySequence_SetItem(dict, 0, number));
  show_n("PySequence_DelItem(dict, 0)", PySequence_DelItem(dict, 0));

  Py_DECREF(sub);
  Py_DECREF(c);
  Py_DECREF(v);
  Py_DECREF(number);
  Py_DECREF(dict);
  Py_DECREF(bytes);
  Py_DECREF(ascii);
  Py_DECREF(text);
  Py_DECREF(tuple);
  Py_DECREF(list);
}

/* Assignment and deletion on a list, by index and by slice. */
static void list_mutations(void) {
  PyObject* l = Py_BuildValue("[iiiiiiii]", 0, 1, 2, 3, 4, 5, 6, 7);
  PyObject* z = S("z");
  PyObject* key;
#define SHOW_L(text, call) (show_n(text, call), show("  list", Py_NewRef(l)))
  key = I(-1);
  SHOW_L("l[-1] = 'z'", PyObject_SetItem(l, key, z));
  Py_DECREF(key);
  key = I(99);
  SHOW_L("l[99] = 'z'", PyObject_SetItem(l, key, z));
  SHOW_L("del l[99]", PyObject_DelItem(l, key));
  Py_DECREF(key);
  SHOW_L("l['z'] = 'z'", PyObject_SetItem(l, z, z));
  SHOW_L("del l['z']", PyObject_DelItem(l, z));
  SHOW_L("PySequence_SetItem(l, -2, 'z')", PySequence_SetItem(l, -2, z));
  SHOW_L("PySequence_DelItem(l, 0)", PySequence_DelItem(l, 0));
  SHOW_L("PySequence_DelItem(l, 99)", PySequence_DelItem(l, 99));
  PyObject* abc = Py_BuildValue("(sss)", "a", "b", "c");
  SHOW_L("l[1:3] = ('a', 'b', 'c')", PySequence_SetSlice(l, 1, 3, abc));
  PyObject* xy = S("xy");
  SHOW_L("l[5:2] = 'xy'", PySequence_SetSlice(l, 5, 2, xy));
  PyObject* five = I(5);
  SHOW_L("l[0:2] = 5", PySequence_SetSlice(l, 0, 2, five));
  SHOW_L("del l[-3:100]", PySequence_DelSlice(l, -3, 100));
  key = slice3(NULL, NULL, I(2));
  PyObject* pair = Py_BuildValue("[ii]", 100, 200);
  SHOW_L("l[::2] = [100, 200]", PyObject_SetItem(l, key, pair));
  SHOW_L("l[::2] = 5", PyObject_SetItem(l, key, five));
  Py_DECREF(key);
  key = slice3(I(1), NULL, I(3));
  SHOW_L("l[1::3] = [100, 200]", PyObject_SetItem(l, key, pair));
  Py_DECREF(key);
  key = slice3(NULL, NULL, I(-1));
  SHOW_L("l[::-1] = l", PyObject_SetItem(l, key, l));
  Py_DECREF(key);
  key = slice3(NULL, NULL, I(-2));
  SHOW_L("del l[::-2]", PyObject_DelItem(l, key));
  Py_DECREF(key);
  key = slice3(I(1), I(1), I(2));
  SHOW_L("del l[1:1:2]", PyObject_DelItem(l, key));
  Py_DECREF(key);
  key = slice3(NULL, NULL, I(0));
  SHOW_L("del l[::0]", PyObject_DelItem(l, key));
  Py_DECREF(key);
  key = slice3(I(1), I(2), NULL);
  SHOW_L("l[1:2] = iter('xy')", PyObject_SetItem(l, key, xy));
  Py_DECREF(key);
  SHOW_L("l[:] = l", PySequence_SetSlice(l, 0, PyList_GET_SIZE(l), l));
  show("PySequence_InPlaceConcat(l, ('a', 'b', 'c'))", PySequence_InPlaceConcat(l, abc));
  show("PySequence_InPlaceConcat(l, 'xy')", PySequence_InPlaceConcat(l, xy));
  show("PySequence_InPlaceConcat(l, 5)", PySequence_InPlaceConcat(l, five));
  show("PySequence_InPlaceRepeat(l, 2)", PySequence_InPlaceRepeat(l, 2));
  show("PySequence_InPlaceRepeat(l, 0)", PySequence_InPlaceRepeat(l, 0));
  show("  list", Py_NewRef(l));
#undef SHOW_L
  Py_DECREF(pair);
  Py_DECREF(five);
  Py_DECREF(xy);
  Py_DECREF(abc);
  Py_DECREF(z);
  Py_DECREF(l);
}

/* The mapping protocol on a dict and on the module's Table. */
static void mappings(PyObject* module) {
  PyObject* d = Py_BuildValue("{sisi}", "a", 1, "b", 2);
  PyObject* t = call(module, "table", NULL);
  PyObject* maps[] = {d, t};
  const char* names[] = {"dict", "table"};
  char label[200];
  for (int m = 0; m < 2; ++m) {
    PyObject* o = maps[m];
    const char* name = names[m];
    PyObject* key = S("c");
    PyObject* value = I(3);
    PyObject* unhashable = PyList_New(0);
    PyObject* tuple_key = Py_BuildValue("(ii)", 1, 2);
    show_n(LABEL("%s['c'] = 3", name), PyObject_SetItem(o, key, value));
    show_n(LABEL("%s[(1, 2)] = 3", name), PyObject_SetItem(o, tuple_key, value));
    show_n(LABEL("PyMapping_SetItemString(%s, 'e', 5)", name),
           PyMapping_SetItemString(o, "e", value));
    show(LABEL("%s['c']", name), PyObject_GetItem(o, key));
    show(LABEL("%s[[]]", name), PyObject_GetItem(o, unhashable));
    show(LABEL("PyMapping_GetItemString(%s, 'e')", name), PyMapping_GetItemString(o, "e"));
    show(LABEL("PyMapping_GetItemString(%s, 'q')", name), PyMapping_GetItemString(o, "q"));
    out("PyMapping_HasKey(%s, 'c'): %d\n", name, PyMapping_HasKey(o, key));
    out("PyMapping_HasKey(%s, []): %d\n", name, PyMapping_HasKey(o, unhashable));
    out("PyMapping_HasKeyString(%s, 'e'): %d\n", name, PyMapping_HasKeyString(o, "e"));
    out("PyMapping_HasKeyString(%s, 'q'): %d\n", name, PyMapping_HasKeyString(o, "q"));
    show_n(LABEL("PyMapping_Size(%s)", name), PyMapping_Size(o));
    show(LABEL("PyMapping_Keys(%s)", name), PyMapping_Keys(o));
    show(LABEL("PyMapping_Values(%s)", name), PyMapping_Values(o));
    show(LABEL("PyMapping_Items(%s)", name), PyMapping_Items(o));
    show_n(LABEL("del %s[(1, 2)]", name), PyObject_DelItem(o, tuple_key));
    show_n(LABEL("del %s[(1, 2)] again", name), PyObject_DelItem(o, tuple_key));
    show_n(LABEL("PyMapping_DelItem(%s, 'c')", name), PyMapping_DelItem(o, key));
    show_n(LABEL("PyMapping_DelItemString(%s, 'e')", name), PyMapping_DelItemString(o, "e"));
    show_n(LABEL("PyObject_DelItemString(%s, 'e')", name), PyObject_DelItemString(o, "e"));
    show(LABEL("%s['c'] after del", name), PyObject_GetItem(o, key));
    show_n(LABEL("PySequence_Size(%s)", name), PySequence_Size(o));
    show(LABEL("PySequence_GetSlice(%s, 0, 1)", name), PySequence_GetSlice(o, 0, 1));
    show_n(LABEL("PySequence_SetSlice(%s, 0, 1)", name), PySequence_SetSlice(o, 0, 1, value));
    show_n(LABEL("PySequence_Contains(%s, 'c')", name), PySequence_Contains(o, key));
    show_n(LABEL("PyObject_LengthHint(%s)", name), PyObject_LengthHint(o, 42));
    show_iteration(name, o);
    out("%s: Py_TPFLAGS_MAPPING %d\n", Py_TYPE(o)->tp_name,
        PyType_HasFeature(Py_TYPE(o), Py_TPFLAGS_MAPPING));
    Py_DECREF(tuple_key);
    Py_DECREF(unhashable);
    Py_DECREF(value);
    Py_DECREF(key);
  }
  /* A dict that changes size while iterated. */
  PyObject* it = PyObject_GetIter(d);
  show("next(iter(dict))", PyIter_Next(it));
  PyMapping_SetItemString(d, "new", Py_None);
  show("next after an insertion", PyIter_Next(it));
  show("next again", PyIter_Next(it));
  Py_DECREF(it);
  /* One that keeps its size but has its keys replaced. */
  PyObject* small = Py_BuildValue("{sisi}", "a", 1, "b", 2);
  it = PyObject_GetIter(small);
  show("next(iter({'a': 1, 'b': 2}))", PyIter_Next(it));
  show("next", PyIter_Next(it));
  PyObject_DelItemString(small, "a");
  PyMapping_SetItemString(small, "c", Py_None);
  show("next after del 'a', add 'c'", PyIter_Next(it));
  show("next again", PyIter_Next(it));
  Py_DECREF(it);
  Py_DECREF(small);
  Py_DECREF(t);
  Py_DECREF(d);
}

static void slices(PyObject* module) {
  show("PySlice_New(1, NULL, 2)", slice3(I(1), NULL, I(2)));
  show("PySlice_New(NULL, NULL, NULL)", PySlice_New(NULL, NULL, NULL));
  show("PySlice_New('a', [], 2.5)", slice3(S("a"), PyList_New(0), PyFloat_FromDouble(2.5)));
  show("Py_Ellipsis", Py_NewRef(Py_Ellipsis));
  out("type(Ellipsis): %s\n", Py_TYPE(Py_Ellipsis)->tp_name);
  PyObject* a = slice3(I(1), I(2), NULL);
  PyObject* b = slice3(I(1), I(3), NULL);
  out("PySlice_Check: %d %d\n", PySlice_Check(a), PySlice_Check(Py_Ellipsis));
  out("type(slice): %s\n", Py_TYPE(a)->tp_name);
  show("slice(1, 2) == slice(1, 2)", PyObject_RichCompare(a, a, Py_EQ));
  show("slice(1, 2) < slice(1, 3)", PyObject_RichCompare(a, b, Py_LT));
  show("slice(1, 2) == slice(1, 3)", PyObject_RichCompare(a, b, Py_EQ));
  show_n("hash(slice)", (Py_ssize_t)PyObject_Hash(a));
  show("slice(1, 2).start", PyObject_GetAttrString(a, "start"));
  show("slice(1, 2).stop", PyObject_GetAttrString(a, "stop"));
  show("slice(1, 2).step", PyObject_GetAttrString(a, "step"));
  out("slice(1, 2).start = 0: %d\n", PyObject_SetAttrString(a, "start", Py_None));
  show("after setting start", NULL);
  Py_DECREF(b);
  Py_DECREF(a);

  struct {
    const char* text;
    PyObject* slice;
    long length;
  } cases[] = {
      {"::-1", slice3(NULL, NULL, I(-1)), 5},
      {"1::2", slice3(I(1), NULL, I(2)), 10},
      {"-100:100:3", slice3(I(-100), I(100), I(3)), 7},
      {"10:-10:-3", slice3(I(10), I(-10), I(-3)), 6},
      {"5:1", slice3(I(5), I(1), NULL), 6},
      {"-2:", slice3(I(-2), NULL, NULL), 6},
      {":-2:-1", slice3(NULL, I(-2), I(-1)), 6},
      {"::0", slice3(NULL, NULL, I(0)), 5},
      {"'a'::", slice3(S("a"), NULL, NULL), 5},
      {":1.5:", slice3(NULL, PyFloat_FromDouble(1.5), NULL), 5},
      {"True:", slice3(Py_NewRef(Py_True), NULL, NULL), 5},
      {"1:3", slice3(I(1), I(3), NULL), 5},
      {"1:10", slice3(I(1), I(10), NULL), 5},
      {"-1:", slice3(I(-1), NULL, NULL), 5},
      {"2**62::-(2**62)", slice3(PyLong_FromLongLong(1LL << 62), NULL,
                                 PyLong_FromLongLong(-(1LL << 62))), 5},
      {"-(2**63)::-(2**63)", slice3(PyLong_FromLongLong(-9223372036854775807LL - 1), NULL,
                                    PyLong_FromLongLong(-9223372036854775807LL - 1)), 5},
  };
  char label[200];
  for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); ++k) {
    PyObject* s = cases[k].slice;
    show(LABEL("indices(%s, %ld)", cases[k].text, cases[k].length),
         call(module, "indices", Py_BuildValue("(Ol)", s, cases[k].length)));
    show(LABEL("old_indices(%s, %ld)", cases[k].text, cases[k].length),
         call(module, "old_indices", Py_BuildValue("(Ol)", s, cases[k].length)));
    Py_ssize_t start = 0, stop = 0, step = 0;
    if (PySlice_Unpack(s, &start, &stop, &step) < 0) {
      show(LABEL("PySlice_Unpack(%s)", cases[k].text), NULL);
    } else {
      out("PySlice_Unpack(%s): %zd %zd %zd\n", cases[k].text, start, stop, step);
      Py_ssize_t n = PySlice_AdjustIndices(cases[k].length, &start, &stop, step);
      out("PySlice_AdjustIndices(%ld): %zd %zd -> %zd\n", cases[k].length, start, stop, n);
    }
    Py_DECREF(s);
  }
}

static void iterators(PyObject* module) {
  PyObject* number = I(5);
  show("PyObject_GetIter(5)", PyObject_GetIter(number));
  out("PyIter_Check(5): %d\n", PyIter_Check(number));
  show_n("PyObject_LengthHint(5, 42)", PyObject_LengthHint(number, 42));
  PyObject* list = Py_BuildValue("[iii]", 7, 8, 9);
  out("PyIter_Check(list): %d\n", PyIter_Check(list));
  show_n("PyObject_LengthHint(list, 42)", PyObject_LengthHint(list, 42));

  PyObject* v = call(module, "make", Py_BuildValue("([iii])", 1, 2, 3));
  PyObject* it = PyObject_GetIter(v);
  out("iter(vector): %s\n", Py_TYPE(it)->tp_name);
  PyObject* self = PyObject_SelfIter(it);
  out("PyObject_SelfIter(it) is it: %d\n", self == it);
  Py_DECREF(self);
  show_n("PyObject_LengthHint(it)", PyObject_LengthHint(it, 42));
  show("next(it)", PyIter_Next(it));
  show_n("PyObject_LengthHint(it) after next", PyObject_LengthHint(it, 42));

  /* A callable iterator over the vector's iterator, which returns None at its end. */
  PyObject* calls = PyCallIter_New(it, Py_None);
  out("PyCallIter_Check: %d %d, type %s\n", PyCallIter_Check(calls), PyCallIter_Check(it),
      Py_TYPE(calls)->tp_name);
  show_iteration("callable_iterator(it, None)", calls);
  Py_DECREF(calls);
  Py_DECREF(it);
  it = PyObject_GetIter(v);
  PyObject* two = I(2);
  calls = PyCallIter_New(it, two);
  show_iteration("callable_iterator(it, 2)", calls);
  Py_DECREF(calls);
  Py_DECREF(two);
  Py_DECREF(it);

  /* Async iteration: only whether the slots are there (there is no event loop). */
  PyObject* ait = PyObject_GetAIter(v);
  out("aiter(vector): %s, PyAIter_Check %d\n", Py_TYPE(ait)->tp_name, PyAIter_Check(ait));
  Py_DECREF(ait);
  out("PyAIter_Check(list): %d\n", PyAIter_Check(list));
  show("aiter(list)", PyObject_GetAIter(list));
  PyObject* c = call(module, "cycle", Py_BuildValue("(i)", 2));
  show("aiter(cycle)", PyObject_GetAIter(c));
  Py_DECREF(c);

  PyObject* seq = PySeqIter_New(v);
  out("PySeqIter_Check: %d %d, type %s\n", PySeqIter_Check(seq), PySeqIter_Check(v),
      Py_TYPE(seq)->tp_name);
  show_iteration("seqiter(vector)", seq);
  Py_DECREF(seq);

  /* PyIter_Send: an iterator with None, then something without send(). */
  it = PyObject_GetIter(list);
  PyObject* result = NULL;
  for (int k = 0; k < 4; ++k) {
    PySendResult r = PyIter_Send(it, Py_None, &result);
    out("PyIter_Send(list_iterator, None): %d\n", (int)r);
    show("  result", result);
  }
  PySendResult r = PyIter_Send(list, number, &result);
  out("PyIter_Send(list, 5): %d\n", (int)r);
  show("  result", result);
  Py_DECREF(it);

  /* PySequence_Fast and its macros. */
  PyObject* fast = PySequence_Fast(list, "needs a sequence");
  out("PySequence_Fast(list) is list: %d\n", fast == list);
  Py_DECREF(fast);
  fast = PySequence_Fast(v, "needs a sequence");
  out("PySequence_Fast(vector): %s of %zd\n", Py_TYPE(fast)->tp_name,
      PySequence_Fast_GET_SIZE(fast));
  show("  GET_ITEM(0)", Py_NewRef(PySequence_Fast_GET_ITEM(fast, 0)));
  show("  ITEMS[2]", Py_NewRef(PySequence_Fast_ITEMS(fast)[2]));
  Py_DECREF(fast);
  PyObject* pair = Py_BuildValue("(ii)", 4, 5);
  fast = PySequence_Fast(pair, "needs a sequence");
  out("PySequence_Fast(tuple) is tuple: %d\n", fast == pair);
  out("PySequence_Fast(tuple): %s of %zd\n", Py_TYPE(fast)->tp_name,
      PySequence_Fast_GET_SIZE(fast));
  show("  GET_ITEM(1)", Py_NewRef(PySequence_Fast_GET_ITEM(fast, 1)));
  show("  ITEMS[0]", Py_NewRef(PySequence_Fast_ITEMS(fast)[0]));
  Py_DECREF(fast);
  Py_DECREF(pair);
  show("PySequence_Fast(5)", PySequence_Fast(number, "needs a sequence"));
  show("make(5)", call(module, "make", Py_BuildValue("(i)", 5)));
  Py_DECREF(v);
  Py_DECREF(list);
  Py_DECREF(number);
}

static void drive(PyObject* module) {
  builtins(module);
  list_mutations();
  mappings(module);
  slices(module);
  iterators(module);
}

DIFFERENTIAL_MAIN("vector", PyInit_vector, drive)
