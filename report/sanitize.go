package report

import (
	"cmp"
	"reflect"
	"slices"

	"github.com/agentreach/agentreach/rules"
)

// Sanitize passes every string of the report through clean: every field of
// every struct, slice and array element, map key and value, behind pointers
// and interfaces — ids, subjects, names, paths, messages and reasons alike —
// so that whatever a format writes has been cleaned once, at the report
// boundary. Values shared with other data (slices, maps, pointed-to
// structs) are replaced by cleaned copies, never modified in place. The
// rule catalog (Rules) is the tool's own text and is left alone.
//
// clean must be deterministic: the same raw string then becomes the same
// cleaned string everywhere, so references (an agent id in a finding, a
// credential id in a reach edge) still resolve.
func (r *Report) Sanitize(clean func(string) string) {
	s := &sanitizer{clean: clean, memo: map[string]string{}, ptrs: map[ptrKey]reflect.Value{}, types: map[reflect.Type]bool{}}
	v := reflect.ValueOf(r).Elem()
	for i := 0; i < v.NumField(); i++ {
		if !v.Type().Field(i).IsExported() {
			continue
		}
		if n, changed := s.value(v.Field(i)); changed {
			v.Field(i).Set(n)
		}
	}
}

// ruleType is the static rule catalog, which Sanitize skips.
var ruleType = reflect.TypeFor[rules.Rule]()

type ptrKey struct {
	t reflect.Type
	p uintptr
}

type sanitizer struct {
	clean func(string) string
	memo  map[string]string
	ptrs  map[ptrKey]reflect.Value // a pointer seen → its cleaned pointer
	types map[reflect.Type]bool    // whether a type can hold a string
}

func (s *sanitizer) str(x string) string {
	if x == "" {
		return x
	}
	y, ok := s.memo[x]
	if !ok {
		y = s.clean(x)
		s.memo[x] = y
	}
	return y
}

// holdsStrings reports whether values of t can contain a string Sanitize
// would clean.
func (s *sanitizer) holdsStrings(t reflect.Type) bool {
	if h, ok := s.types[t]; ok {
		return h
	}
	s.types[t] = true // recursive types: provisionally (never skips a string)
	h := false
	switch t.Kind() {
	case reflect.Struct:
		if t == ruleType {
			break
		}
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() && s.holdsStrings(f.Type) {
				h = true
				break
			}
		}
	case reflect.String, reflect.Interface:
		h = true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		h = s.holdsStrings(t.Elem())
	case reflect.Map:
		h = s.holdsStrings(t.Key()) || s.holdsStrings(t.Elem())
	}
	s.types[t] = h
	return h
}

// value returns v with its strings cleaned and whether anything changed;
// v itself is never modified.
func (s *sanitizer) value(v reflect.Value) (reflect.Value, bool) {
	if !s.holdsStrings(v.Type()) {
		return v, false
	}
	switch v.Kind() {
	case reflect.String:
		x := v.String()
		y := s.str(x)
		if y == x {
			return v, false
		}
		n := reflect.New(v.Type()).Elem()
		n.SetString(y)
		return n, true
	case reflect.Pointer:
		if v.IsNil() {
			return v, false
		}
		k := ptrKey{v.Type(), v.Pointer()}
		if p, ok := s.ptrs[k]; ok {
			return p, p.Pointer() != v.Pointer()
		}
		s.ptrs[k] = v // cycles see the original
		e, changed := s.value(v.Elem())
		if !changed {
			return v, false
		}
		n := reflect.New(e.Type())
		n.Elem().Set(e)
		s.ptrs[k] = n
		return n, true
	case reflect.Interface:
		if v.IsNil() {
			return v, false
		}
		e, changed := s.value(v.Elem())
		if !changed {
			return v, false
		}
		n := reflect.New(v.Type()).Elem()
		n.Set(e)
		return n, true
	case reflect.Struct:
		var n reflect.Value
		for i := 0; i < v.NumField(); i++ {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			f, changed := s.value(v.Field(i))
			if !changed {
				continue
			}
			if !n.IsValid() {
				n = reflect.New(v.Type()).Elem()
				n.Set(v)
			}
			n.Field(i).Set(f)
		}
		return n, n.IsValid()
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return v, false
		}
		var n reflect.Value
		for i := 0; i < v.Len(); i++ {
			e, changed := s.value(v.Index(i))
			if !changed {
				continue
			}
			if !n.IsValid() {
				if v.Kind() == reflect.Slice {
					n = reflect.MakeSlice(v.Type(), v.Len(), v.Len())
					reflect.Copy(n, v)
				} else {
					n = reflect.New(v.Type()).Elem()
					n.Set(v)
				}
			}
			n.Index(i).Set(e)
		}
		return n, n.IsValid()
	case reflect.Map:
		if v.IsNil() {
			return v, false
		}
		type entry struct{ orig, k, v reflect.Value }
		var entries []entry
		changed := false
		for it := v.MapRange(); it.Next(); {
			k, kc := s.value(it.Key())
			e, ec := s.value(it.Value())
			changed = changed || kc || ec
			entries = append(entries, entry{it.Key(), k, e})
		}
		if !changed {
			return v, false
		}
		// Keys that become equal keep one value, the same one every run:
		// that of the first original key.
		if v.Type().Key().Kind() == reflect.String {
			slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.orig.String(), b.orig.String()) })
		}
		n := reflect.MakeMapWithSize(v.Type(), len(entries))
		for _, e := range entries {
			if !n.MapIndex(e.k).IsValid() {
				n.SetMapIndex(e.k, e.v)
			}
		}
		return n, true
	}
	return v, false
}
