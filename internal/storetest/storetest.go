// Package storetest is the conformance suite of nascent.Store: every store
// implementation runs it unchanged, so that SQLite and, later, PostgreSQL
// keep exactly the same contract.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/nascent-nas/nascent"
)

// Run runs the suite. open returns a new, empty store for one subtest and
// arranges its closing with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) nascent.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, nascent.Store)
	}{
		{"StudyRoundTrip", testStudyRoundTrip},
		{"StudyErrors", testStudyErrors},
		{"Lease", testLease},
		{"LeaseExpiresAndSteal", testLeaseExpiresAndSteal},
		{"WritesNeedTheLease", testWritesNeedTheLease},
		{"TrialRoundTrip", testTrialRoundTrip},
		{"SaveReplacesAndIsAtomic", testSaveReplacesAndIsAtomic},
		{"Reports", testReports},
		{"StudiesAreSeparate", testStudiesAreSeparate},
		{"ConcurrentWriters", testConcurrentWriters},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

var ctx = context.Background()

func newStudy(t *testing.T, s nascent.Store, name string) nascent.Study {
	t.Helper()
	st := nascent.Study{
		Name:        name,
		Config:      []byte("name: " + name + "\nbudget: 3\n"),
		Fingerprint: "fp-" + name,
		Seed:        math.MaxUint64 - 1,
		Created:     time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), // microseconds suffice
	}
	if err := s.CreateStudy(ctx, st); err != nil {
		t.Fatalf("CreateStudy(%s) = %v", name, err)
	}
	return st
}

func lease(t *testing.T, s nascent.Store, study, owner string) nascent.Lease {
	t.Helper()
	l, err := s.Acquire(ctx, study, owner, "", time.Minute)
	if err != nil {
		t.Fatalf("Acquire(%s, %s) = %v", study, owner, err)
	}
	return l
}

func testStudyRoundTrip(t *testing.T, s nascent.Store) {
	want := newStudy(t, s, "a")
	got, err := s.Study(ctx, "a")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Study(a) = %+v, %v; want %+v", got, err, want)
	}
	l := lease(t, s, "a", "me")
	got, _ = s.Study(ctx, "a")
	if got.Holder.Owner != "me" || got.Holder.Expires.Sub(l.Expires).Abs() > time.Microsecond {
		t.Errorf("Study(a).Holder = %+v, want %+v", got.Holder, l)
	}
	want.Holder = got.Holder
	upd := want
	upd.Config, upd.Fingerprint, upd.Seed = []byte("changed"), "fp2", 7
	if err := s.UpdateStudy(ctx, "me", upd); err != nil {
		t.Fatalf("UpdateStudy = %v", err)
	}
	if got, _ = s.Study(ctx, "a"); !reflect.DeepEqual(got, upd) {
		t.Errorf("Study after UpdateStudy = %+v, want %+v", got, upd)
	}
}

func testStudyErrors(t *testing.T, s nascent.Store) {
	newStudy(t, s, "a")
	if err := s.CreateStudy(ctx, nascent.Study{Name: "a"}); !errors.Is(err, nascent.ErrConflict) {
		t.Errorf("CreateStudy(existing) = %v, want ErrConflict", err)
	}
	if err := s.CreateStudy(ctx, nascent.Study{}); !errors.Is(err, nascent.ErrInvalid) {
		t.Errorf("CreateStudy(no name) = %v, want ErrInvalid", err)
	}
	if err := s.CreateStudy(ctx, nascent.Study{Name: "no config"}); err != nil {
		t.Errorf("CreateStudy(nil config) = %v, want success", err)
	}
	if got, err := s.Study(ctx, "no config"); err != nil || len(got.Config) != 0 {
		t.Errorf("Study(nil config) = %+v, %v; want an empty config", got, err)
	}
	if _, err := s.Study(ctx, "b"); !errors.Is(err, nascent.ErrNotFound) {
		t.Errorf("Study(missing) = %v, want ErrNotFound", err)
	}
	if _, err := s.Trials(ctx, "b"); !errors.Is(err, nascent.ErrNotFound) {
		t.Errorf("Trials(missing) = %v, want ErrNotFound", err)
	}
	if _, err := s.Acquire(ctx, "b", "me", "", time.Minute); !errors.Is(err, nascent.ErrNotFound) {
		t.Errorf("Acquire(missing) = %v, want ErrNotFound", err)
	}
	if err := s.SaveTrials(ctx, "b", "me", nil); !errors.Is(err, nascent.ErrNotFound) {
		t.Errorf("SaveTrials(missing) = %v, want ErrNotFound", err)
	}
}

func testLease(t *testing.T, s nascent.Store) {
	newStudy(t, s, "a")
	l, err := s.Acquire(ctx, "a", "one", "", time.Minute)
	if err != nil || l.Owner != "one" || time.Until(l.Expires) < 50*time.Second {
		t.Fatalf("Acquire(free) = %+v, %v; want one's lease for a minute", l, err)
	}
	held, err := s.Acquire(ctx, "a", "two", "", time.Minute)
	if !errors.Is(err, nascent.ErrConflict) || held.Owner != "one" {
		t.Errorf("Acquire(held) = %+v, %v; want ErrConflict naming one", held, err)
	}
	if _, err := s.Acquire(ctx, "a", "one", "", time.Minute); err != nil {
		t.Errorf("Acquire(renew) = %v", err)
	}
	if err := s.Release(ctx, "a", "two"); err != nil {
		t.Errorf("Release(not held) = %v, want nil", err)
	}
	if _, err := s.Acquire(ctx, "a", "two", "", time.Minute); !errors.Is(err, nascent.ErrConflict) {
		t.Errorf("Acquire after another's Release = %v, want ErrConflict", err)
	}
	if err := s.Release(ctx, "a", "one"); err != nil {
		t.Errorf("Release = %v", err)
	}
	if st, _ := s.Study(ctx, "a"); st.Holder != (nascent.Lease{}) {
		t.Errorf("Study after Release: Holder = %+v, want none", st.Holder)
	}
	if _, err := s.Acquire(ctx, "a", "two", "", time.Minute); err != nil {
		t.Errorf("Acquire after Release = %v", err)
	}
}

func testLeaseExpiresAndSteal(t *testing.T, s nascent.Store) {
	newStudy(t, s, "a")
	if _, err := s.Acquire(ctx, "a", "one", "", time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := s.Acquire(ctx, "a", "two", "", time.Minute); err != nil {
		t.Errorf("Acquire(expired) = %v, want success", err)
	}
	if _, err := s.Acquire(ctx, "a", "three", "one", time.Minute); !errors.Is(err, nascent.ErrConflict) {
		t.Errorf("Acquire stealing a former holder = %v, want ErrConflict", err)
	}
	if _, err := s.Acquire(ctx, "a", "three", "two", time.Minute); err != nil {
		t.Errorf("Acquire stealing the holder = %v, want success", err)
	}
}

func testWritesNeedTheLease(t *testing.T, s nascent.Store) {
	newStudy(t, s, "a")
	tr := []nascent.Trial{sampleTrial(0)}
	if err := s.SaveTrials(ctx, "a", "me", tr); !errors.Is(err, nascent.ErrConflict) {
		t.Errorf("SaveTrials without lease = %v, want ErrConflict", err)
	}
	lease(t, s, "a", "other")
	if err := s.SaveTrials(ctx, "a", "me", tr); !errors.Is(err, nascent.ErrConflict) {
		t.Errorf("SaveTrials under another's lease = %v, want ErrConflict", err)
	}
	rep := []nascent.Report{{Trial: 0, Attempt: 1, Values: map[string]float64{"a": 1}}}
	if err := s.AddReports(ctx, "a", "me", rep); !errors.Is(err, nascent.ErrConflict) {
		t.Errorf("AddReports under another's lease = %v, want ErrConflict", err)
	}
	if err := s.UpdateStudy(ctx, "me", nascent.Study{Name: "a"}); !errors.Is(err, nascent.ErrConflict) {
		t.Errorf("UpdateStudy under another's lease = %v, want ErrConflict", err)
	}
	if got, _ := s.Trials(ctx, "a"); len(got) != 0 {
		t.Errorf("Trials after refused writes = %d trials, want none", len(got))
	}
}

// sampleTrial returns a trial with every field set, values of every
// canonical type included.
func sampleTrial(n int) nascent.Trial {
	at := time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.UTC)
	return nascent.Trial{
		Number: n,
		State:  nascent.Completed,
		Candidate: nascent.Candidate{
			Values: map[string]any{
				"int": int64(-3), "float": 2.0, "tiny": 1e-300, "s": "ü 'q\"", "b": true, "nil": nil,
				"list": []any{int64(1), 1.5, map[string]any{"x": "y"}, []any{}},
				"map":  map[string]any{"k": map[string]any{}},
			},
			Hash: fmt.Sprintf("hash-%d", n),
		},
		Parent:   n - 1,
		Mutation: "int: -2 -> -3",
		Metrics:  map[string]float64{"loss": 0.125, "weights": 18000, "neg": -1e-9},
		Attempt:  2,
		Worker:   "host:42",
		Handle:   "host:4242",
		ExitCode: 0,
		Reason:   "attempt 1: exit status 1",
		AskSeq:   int64(2 * n),
		TellSeq:  int64(2*n + 1),
		Queued:   at,
		Started:  at.Add(time.Second),
		Finished: at.Add(time.Minute),
	}
}

func testTrialRoundTrip(t *testing.T, s nascent.Store) {
	newStudy(t, s, "a")
	lease(t, s, "a", "me")
	full := sampleTrial(0)
	bare := nascent.Trial{Number: 1, State: nascent.Running, Parent: -1, ExitCode: -1, TellSeq: -1,
		Candidate: nascent.Candidate{Values: map[string]any{}, Hash: "h"}}
	if err := s.SaveTrials(ctx, "a", "me", []nascent.Trial{full, bare}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Trials(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("Trials = %d trials, want 2", len(got))
	}
	if !reflect.DeepEqual(micro(got[0]), micro(full)) {
		t.Errorf("trial round trip:\n got %+v\nwant %+v", got[0], full)
	}
	if !reflect.DeepEqual(micro(got[1]), micro(bare)) {
		t.Errorf("bare trial round trip:\n got %+v\nwant %+v", got[1], bare)
	}
	bad := sampleTrial(2)
	bad.State = "finished"
	if err := s.SaveTrials(ctx, "a", "me", []nascent.Trial{bad}); !errors.Is(err, nascent.ErrInvalid) {
		t.Errorf("SaveTrials(state %q) = %v, want ErrInvalid", bad.State, err)
	}
	bad = sampleTrial(2)
	bad.Metrics["x"] = math.NaN()
	if err := s.SaveTrials(ctx, "a", "me", []nascent.Trial{bad}); !errors.Is(err, nascent.ErrInvalid) {
		t.Errorf("SaveTrials(NaN metric) = %v, want ErrInvalid", err)
	}
}

func testSaveReplacesAndIsAtomic(t *testing.T, s nascent.Store) {
	newStudy(t, s, "a")
	lease(t, s, "a", "me")
	first := sampleTrial(0)
	if err := s.SaveTrials(ctx, "a", "me", []nascent.Trial{first}); err != nil {
		t.Fatal(err)
	}
	second := first
	second.State, second.Metrics, second.Reason = nascent.Failed, nil, "exit status 3"
	bad := sampleTrial(1)
	bad.State = "bogus"
	// A batch with one bad trial changes nothing.
	if err := s.SaveTrials(ctx, "a", "me", []nascent.Trial{second, bad}); err == nil {
		t.Fatal("SaveTrials(batch with a bad trial) = nil, want an error")
	}
	if got, _ := s.Trials(ctx, "a"); len(got) != 1 || got[0].State != nascent.Completed {
		t.Fatalf("after a failed batch Trials = %+v, want the first version only", got)
	}
	if err := s.SaveTrials(ctx, "a", "me", []nascent.Trial{second}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Trials(ctx, "a"); len(got) != 1 || !reflect.DeepEqual(micro(got[0]), micro(second)) {
		t.Errorf("after replacing Trials = %+v, want %+v", got, second)
	}
}

func testReports(t *testing.T, s nascent.Store) {
	newStudy(t, s, "a")
	lease(t, s, "a", "me")
	at := time.Date(2026, 1, 1, 0, 0, 0, 5000, time.UTC)
	reps := []nascent.Report{
		{Trial: 3, Attempt: 1, Step: 2, Time: at, Values: map[string]float64{"loss": 0.5}},
		{Trial: 3, Attempt: 1, Step: 1, Time: at, Values: map[string]float64{"loss": 0.4}},
		{Trial: 4, Attempt: 1, Step: 1, Time: at, Values: map[string]float64{"loss": 0.3}},
	}
	if err := s.AddReports(ctx, "a", "me", reps[:2]); err != nil {
		t.Fatal(err)
	}
	if err := s.AddReports(ctx, "a", "me", reps[2:]); err != nil {
		t.Fatal(err)
	}
	got, err := s.Reports(ctx, "a", 3)
	if err != nil || !reflect.DeepEqual(got, reps[:2]) {
		t.Errorf("Reports(3) = %+v, %v; want %+v in the order added", got, err, reps[:2])
	}
	if got, _ := s.Reports(ctx, "a", 5); len(got) != 0 {
		t.Errorf("Reports(no reports) = %+v, want none", got)
	}
}

func testStudiesAreSeparate(t *testing.T, s nascent.Store) {
	newStudy(t, s, "a")
	newStudy(t, s, "b")
	lease(t, s, "a", "me")
	lease(t, s, "b", "me")
	if err := s.SaveTrials(ctx, "a", "me", []nascent.Trial{sampleTrial(0), sampleTrial(1)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveTrials(ctx, "b", "me", []nascent.Trial{sampleTrial(0)}); err != nil {
		t.Fatal(err)
	}
	a, _ := s.Trials(ctx, "a")
	b, _ := s.Trials(ctx, "b")
	if len(a) != 2 || len(b) != 1 {
		t.Errorf("Trials(a), Trials(b) = %d, %d trials; want 2, 1", len(a), len(b))
	}
}

func testConcurrentWriters(t *testing.T, s nascent.Store) {
	newStudy(t, s, "a")
	lease(t, s, "a", "me")
	const writers, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				tr := sampleTrial(w*each + i)
				if err := s.SaveTrials(ctx, "a", "me", []nascent.Trial{tr}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent SaveTrials = %v", err)
	}
	got, _ := s.Trials(ctx, "a")
	if len(got) != writers*each {
		t.Fatalf("Trials = %d, want %d", len(got), writers*each)
	}
	for i, tr := range got {
		if tr.Number != i {
			t.Fatalf("Trials[%d].Number = %d, want increasing numbers", i, tr.Number)
		}
	}
}

// micro returns t with its times cut to whole microseconds, in UTC: the
// precision the contract asks of a store (PostgreSQL's timestamps have
// no more).
func micro(t nascent.Trial) nascent.Trial {
	for _, p := range []*time.Time{&t.Queued, &t.Started, &t.Finished} {
		if !p.IsZero() {
			*p = p.Truncate(time.Microsecond).UTC()
		}
	}
	return t
}
