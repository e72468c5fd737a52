package rules

import (
	"strconv"
	"time"
)

// day is 24 hours: thresholds are whole days.
const day = 24 * time.Hour

// Thresholds are the catalog's configurable limits (catalog 1.5). A zero
// field means the default, so that a configuration file can set one of them
// and leave the others alone.
type Thresholds struct {
	// MaxTTL is the longest acceptable remaining lifetime of a token
	// (MAX_TTL, default 90 days): AR-GH-001.
	MaxTTL time.Duration
	// Stale is how long a credential may go unused before it counts as
	// stale (STALE, default 90 days): AR-GH-002, 005, 008, 010.
	Stale time.Duration
	// NeverUsedGrace is how long after its creation or grant a credential
	// that was never used counts as stale (default 30 days): AR-GH-002,
	// 005, 010.
	NeverUsedGrace time.Duration
	// SecretRotation is how long a stored secret may keep its value
	// (SECRET_ROTATION, default 365 days): AR-GH-014.
	SecretRotation time.Duration
}

// DefaultThresholds returns the catalog's defaults.
func DefaultThresholds() Thresholds {
	return Thresholds{MaxTTL: 90 * day, Stale: 90 * day, NeverUsedGrace: 30 * day, SecretRotation: 365 * day}
}

// WithDefaults returns t with every zero or negative field set to its
// default.
func (t Thresholds) WithDefaults() Thresholds {
	d := DefaultThresholds()
	for _, f := range []struct{ v, def *time.Duration }{{&t.MaxTTL, &d.MaxTTL}, {&t.Stale, &d.Stale},
		{&t.NeverUsedGrace, &d.NeverUsedGrace}, {&t.SecretRotation, &d.SecretRotation}} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return t
}

// days renders a threshold or an age in whole days ("90 days", "1 day").
func days(d time.Duration) string {
	n := int(d / day)
	return plural(n, "1 day", strconv.Itoa(n)+" days")
}

// dayLimit renders a threshold as an adjective: "90-day".
func dayLimit(d time.Duration) string { return strconv.Itoa(int(d/day)) + "-day" }
