package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/nascent-nas/nascent"
)

// trialArgs returns the arguments of the prepared upsert for one trial.
func trialArgs(study string, t nascent.Trial) ([]any, error) {
	if !t.State.Valid() {
		return nil, fmt.Errorf("trial %d: %w: state %q", t.Number, nascent.ErrInvalid, t.State)
	}
	cand, err := nascent.EncodeValues(t.Candidate.Values)
	if err != nil {
		return nil, fmt.Errorf("trial %d: %w", t.Number, err)
	}
	var metrics any // NULL when there are none
	if t.Metrics != nil {
		m, err := json.Marshal(t.Metrics)
		if err != nil {
			return nil, fmt.Errorf("trial %d metrics: %w: %v", t.Number, nascent.ErrInvalid, err)
		}
		metrics = string(m)
	}
	return []any{study, t.Number, string(t.State), string(cand), t.Candidate.Hash,
		t.Parent, t.Mutation, metrics, t.Attempt, t.Worker, t.Handle, t.ExitCode, t.Reason,
		t.AskSeq, t.TellSeq, nanos(t.Queued), nanos(t.Started), nanos(t.Finished)}, nil
}

// Trials implements nascent.Store.
func (s *Store) Trials(ctx context.Context, study string) ([]nascent.Trial, error) {
	if _, err := s.Study(ctx, study); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT number, state, candidate, hash,
		parent, mutation, metrics, attempt, worker, handle, exit_code, reason,
		ask_seq, tell_seq, queued, started, finished
		FROM trials WHERE study = ? ORDER BY number`, study)
	if err != nil {
		return nil, wrapErr("trials", err)
	}
	defer rows.Close()
	var trials []nascent.Trial
	for rows.Next() {
		t, err := scanTrial(rows)
		if err != nil {
			return nil, fmt.Errorf("trials of %q: %w", study, err)
		}
		trials = append(trials, t)
	}
	return trials, wrapErr("trials", rows.Err())
}

func scanTrial(rows *sql.Rows) (nascent.Trial, error) {
	var t nascent.Trial
	var state, cand string
	var metrics sql.NullString
	var queued, started, finished int64
	err := rows.Scan(&t.Number, &state, &cand, &t.Candidate.Hash, &t.Parent,
		&t.Mutation, &metrics, &t.Attempt, &t.Worker, &t.Handle, &t.ExitCode, &t.Reason,
		&t.AskSeq, &t.TellSeq, &queued, &started, &finished)
	if err != nil {
		return t, err
	}
	t.State = nascent.TrialState(state)
	t.Queued, t.Started, t.Finished = fromNanos(queued), fromNanos(started), fromNanos(finished)
	if t.Candidate.Values, err = nascent.DecodeValues([]byte(cand)); err != nil {
		return t, fmt.Errorf("trial %d candidate: %w", t.Number, err)
	}
	if metrics.Valid {
		if err := json.Unmarshal([]byte(metrics.String), &t.Metrics); err != nil {
			return t, fmt.Errorf("trial %d metrics: %w", t.Number, err)
		}
	}
	return t, nil
}

// Reports implements nascent.Store.
func (s *Store) Reports(ctx context.Context, study string, trial int) ([]nascent.Report, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT attempt, step, time, vals
		FROM reports WHERE study = ? AND trial = ? ORDER BY rowid`, study, trial)
	if err != nil {
		return nil, wrapErr("reports", err)
	}
	defer rows.Close()
	var reports []nascent.Report
	for rows.Next() {
		r := nascent.Report{Trial: trial}
		var at int64
		var vals string
		if err := rows.Scan(&r.Attempt, &r.Step, &at, &vals); err != nil {
			return nil, wrapErr("reports", err)
		}
		r.Time = fromNanos(at)
		if err := json.Unmarshal([]byte(vals), &r.Values); err != nil {
			return nil, fmt.Errorf("reports of trial %d: %w", trial, err)
		}
		reports = append(reports, r)
	}
	return reports, wrapErr("reports", rows.Err())
}
