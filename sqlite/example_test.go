package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/sqlite"
)

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "nascent-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "study.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()

	// A controller creates its study, holds its lease, and writes trials.
	store.CreateStudy(ctx, nascent.Study{Name: "demo", Seed: 1})
	store.Acquire(ctx, "demo", "me", "", time.Minute)
	err = store.SaveTrials(ctx, "demo", "me", []nascent.Trial{{
		Number: 0, State: nascent.Completed, Parent: -1, TellSeq: 1,
		Candidate: nascent.Candidate{Values: map[string]any{"width": int64(16)}, Hash: "h0"},
		Metrics:   map[string]float64{"val_error": 0.05},
	}})
	fmt.Println(err)

	// Anyone else's writes are refused.
	err = store.SaveTrials(ctx, "demo", "intruder", nil)
	fmt.Println(err)

	trials, _ := store.Trials(ctx, "demo")
	fmt.Println(trials[0].State, trials[0].Candidate.Values, trials[0].Metrics)
	// Output:
	// <nil>
	// save trials: study "demo": conflict: lease held by "me", not "intruder"
	// completed map[width:16] map[val_error:0.05]
}
