package main

import (
	"context"
	"fmt"
	"log/slog"
)

// sanitizingHandler passes the message, every attribute key and value and
// every group name of a log record through clean before h writes it, so
// that -v logs never carry a credential (a token used as a file or folder
// name, say) in full.
type sanitizingHandler struct {
	h     slog.Handler
	clean func(string) string
}

var _ slog.Handler = sanitizingHandler{}

func (s sanitizingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return s.h.Enabled(ctx, l)
}

func (s sanitizingHandler) Handle(ctx context.Context, r slog.Record) error {
	n := slog.NewRecord(r.Time, r.Level, s.clean(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		n.AddAttrs(s.attr(a))
		return true
	})
	return s.h.Handle(ctx, n)
}

func (s sanitizingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i] = s.attr(a)
	}
	return sanitizingHandler{h: s.h.WithAttrs(out), clean: s.clean}
}

func (s sanitizingHandler) WithGroup(name string) slog.Handler {
	return sanitizingHandler{h: s.h.WithGroup(s.clean(name)), clean: s.clean}
}

func (s sanitizingHandler) attr(a slog.Attr) slog.Attr {
	a.Key = s.clean(a.Key)
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(s.clean(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]slog.Attr, len(g))
		for i, ga := range g {
			out[i] = s.attr(ga)
		}
		a.Value = slog.GroupValue(out...)
	case slog.KindAny:
		// errors, Stringers and other values: logged as their text
		a.Value = slog.StringValue(s.clean(fmt.Sprint(v.Any())))
	default:
		a.Value = v
	}
	return a
}
