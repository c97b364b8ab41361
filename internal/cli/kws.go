package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/spf13/cobra"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/kws"
	"github.com/nascent-nas/nascent/local"
	"github.com/nascent-nas/nascent/space"
)

func newKWSCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kws",
		Short: "Train keyword-spotting networks",
		Long: "Train keyword-spotting networks in hannah's TC structure on WAV " +
			"files (see docs/kws.md).",
	}
	cmd.AddCommand(newKWSTrainCmd())
	return cmd
}

// kwsTrainFlags are the flags of `nascent kws train`.
type kwsTrainFlags struct {
	data, config, layout, cacheDir string
	noCache                        bool
	train                          kws.TrainOptions
	seed                           uint64
}

func newKWSTrainCmd() *cobra.Command {
	var f kwsTrainFlags
	cmd := &cobra.Command{
		Use:   "train --data DIR [--config CANDIDATE.yaml|json] [flags] [key=value ...]",
		Short: "Train one candidate network as a nascent trial",
		Long: `Train one candidate network and report its metrics (nascent's trial
protocol). The candidate comes from --config (YAML or JSON; default
$NASCENT_CONFIG), from Hydra-style overrides such as
  'model.major_blocks=[{output_channels: 16, minor_blocks: [{size: 3}]}]' dropout_prob=0.1
or from both, overrides last.

After every epoch a line "` + local.ReportTag + `{...}" goes to stdout. The
final metrics (val_error, val_loss, test_error of the best-validation
epoch, weights, macs, activations, epochs, train_seconds) are written as
a JSON object to $NASCENT_METRICS, or to stdout when it is unset.
Progress goes to stderr. Features are cached per dataset (see --cache-dir).`,
		RunE: func(c *cobra.Command, args []string) error {
			return runKWSTrain(c.Context(), f, args, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", os.Getenv("NASCENT_DATA"),
		"dataset folder: FSDD (holding recordings/, or recordings/ itself) "+
			"or Speech Commands (default $NASCENT_DATA)")
	fl.StringVar(&f.config, "config", os.Getenv("NASCENT_CONFIG"),
		"candidate file, YAML or JSON (default $NASCENT_CONFIG)")
	fl.StringVar(&f.layout, "layout", "",
		"dataset layout: fsdd or speech_commands (default: detect)")
	fl.StringVar(&f.cacheDir, "cache-dir", "",
		"feature cache folder (default $"+kws.CacheDirEnv+
			", else the user cache folder/nascent/kws)")
	fl.BoolVar(&f.noCache, "no-cache", false,
		"compute features without reading or writing the cache")
	fl.IntVar(&f.train.Epochs, "epochs", 30, "passes over the training split")
	fl.IntVar(&f.train.BatchSize, "batch-size", 64, "examples per training step")
	fl.Float64Var(&f.train.LearningRate, "lr", 3e-3, "peak learning rate")
	fl.Float64Var(&f.train.WeightDecay, "weight-decay", 1e-4,
		"AdamW decoupled weight decay (0 for none)")
	fl.StringVar(&f.train.Schedule, "schedule", "onecycle",
		"learning rate schedule: onecycle or cosine")
	fl.Uint64Var(&f.seed, "seed", 0, "seed for weights, example order and dropout")
	fl.IntVar(&f.train.Threads, "threads", 0, "cores to use (default all)")
	return cmd
}

// runKWSTrain is `nascent kws train`: candidate, data, model, training,
// metrics, in that order.
func runKWSTrain(ctx context.Context, f kwsTrainFlags, args []string,
	stdout, stderr io.Writer) error {
	log := slog.New(slog.NewTextHandler(stderr, nil))

	// The candidate: file, then overrides.
	values, err := kwsCandidate(f.config, args)
	if err != nil {
		return err
	}
	if _, err := kws.ParseSpec(values); err != nil {
		return err // before the data, which may take a while to load
	}
	if err := checkTrainFlags(&f); err != nil {
		return err
	}

	// The data, as cached features.
	if f.data == "" {
		return fmt.Errorf("%w: --data is required: a folder of the Free Spoken Digit "+
			"Dataset (clone %s; the folder holding recordings/) or of Google Speech Commands",
			errUsage, kws.FSDDURL)
	}
	ds, err := kws.Load(ctx, f.data, kws.LoadOptions{
		Layout:   kws.Layout(f.layout),
		CacheDir: f.cacheDir,
		NoCache:  f.noCache,
		Threads:  f.train.Threads,
		Logger:   log,
	})
	if err != nil {
		return interrupted(ctx, err)
	}
	log.Info("kws data", "classes", len(ds.Classes), "train", ds.Train.Len(),
		"val", ds.Val.Len(), "test", ds.Test.Len())

	// The model, and its cost before any training.
	model, err := kws.BuildModel(values, len(ds.Classes), f.seed)
	if err != nil {
		return err
	}
	cost, err := kws.Cost(values, len(ds.Classes))
	if err != nil {
		return err
	}

	// Training, with a report line per epoch.
	opt := f.train
	opt.Seed = f.seed
	opt.OnEpoch = func(r kws.EpochReport) { reportEpoch(stdout, stderr, r, opt.Epochs) }
	res, err := kws.Train(ctx, model, ds, opt)
	if err != nil {
		return interrupted(ctx, err)
	}
	return writeKWSMetrics(stdout, kwsMetrics(res, cost))
}

// checkTrainFlags validates the training flags as usage errors and maps
// them to kws.TrainOptions, whose zero values mean defaults.
func checkTrainFlags(f *kwsTrainFlags) error {
	t := &f.train
	switch {
	case t.Epochs < 1:
		return fmt.Errorf("%w: --epochs must be at least 1, got %d", errUsage, t.Epochs)
	case t.BatchSize < 1:
		return fmt.Errorf("%w: --batch-size must be at least 1, got %d", errUsage, t.BatchSize)
	case !(t.LearningRate > 0) || math.IsInf(t.LearningRate, 0):
		return fmt.Errorf("%w: --lr must be a positive number, got %g", errUsage, t.LearningRate)
	case t.WeightDecay < 0 || math.IsNaN(t.WeightDecay) || math.IsInf(t.WeightDecay, 0):
		return fmt.Errorf("%w: --weight-decay must be 0 or more, got %g", errUsage, t.WeightDecay)
	case t.Threads < 0:
		return fmt.Errorf("%w: --threads must be 0 (all) or more, got %d", errUsage, t.Threads)
	}
	switch f.layout {
	case "", "auto":
		f.layout = ""
	case string(kws.LayoutFSDD), string(kws.LayoutSpeechCommands):
	default:
		return fmt.Errorf("%w: --layout %q, want %s or %s", errUsage, f.layout,
			kws.LayoutFSDD, kws.LayoutSpeechCommands)
	}
	if t.WeightDecay == 0 {
		t.WeightDecay = -1 // kws.TrainOptions reads 0 as its default
	}
	return nil
}

// kwsCandidate reads the candidate file (when path is not empty) and
// applies the overrides to it, returning canonical values.
func kwsCandidate(path string, overrides []string) (map[string]any, error) {
	values := map[string]any{}
	if path != "" {
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: candidate file %s", nascent.ErrNotFound, path)
		}
		if err != nil {
			return nil, err
		}
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("%w: candidate file %s: %v", nascent.ErrInvalid, path, err)
		}
		m, ok := v.(map[string]any)
		if !ok && v != nil {
			return nil, fmt.Errorf("%w: candidate file %s: want a mapping at the top, got %T",
				nascent.ErrInvalid, path, v)
		}
		if m != nil {
			values = m
		}
	}
	for _, arg := range overrides {
		o, err := parseOverride(arg)
		if err != nil {
			return nil, err
		}
		if err := applyOverride(values, o); err != nil {
			return nil, err
		}
	}
	if len(values) == 0 {
		return nil, fmt.Errorf("%w: no candidate: give --config FILE, set NASCENT_CONFIG, "+
			"or pass overrides such as 'major_blocks=[...]'", errUsage)
	}
	c, err := space.Canonical(values)
	if err != nil {
		return nil, fmt.Errorf("candidate: %w", err)
	}
	return c.(map[string]any), nil
}

// reportEpoch writes a tagged report line to stdout and a progress line
// to stderr.
func reportEpoch(stdout, stderr io.Writer, r kws.EpochReport, epochs int) {
	line, err := json.Marshal(map[string]float64{
		"step":           float64(r.Epoch),
		"epoch":          float64(r.Epoch),
		"val_error":      r.ValError,
		"val_loss":       r.ValLoss,
		"train_loss":     r.TrainLoss,
		"train_accuracy": r.TrainAccuracy,
		"seconds":        r.Seconds,
	})
	if err == nil { // non-finite values cannot be JSON; the final metrics say so
		fmt.Fprintf(stdout, "%s%s\n", local.ReportTag, line)
	}
	fmt.Fprintf(stderr, "epoch %d/%d: train loss %.4f, accuracy %.4f; "+
		"val loss %.4f, error %.4f (%.1fs)\n", r.Epoch, epochs,
		r.TrainLoss, r.TrainAccuracy, r.ValLoss, r.ValError, r.Seconds)
}

// kwsMetrics gathers the final metrics of a trial.
func kwsMetrics(res kws.TrainResult, cost map[string]float64) map[string]float64 {
	m := map[string]float64{
		"val_error":          res.ValError,
		"val_loss":           res.ValLoss,
		"test_error":         res.TestError,
		"epochs":             float64(res.Epochs),
		"best_epoch":         float64(res.BestEpoch),
		"train_seconds":      res.TrainSeconds,
		"total_seconds":      res.TotalSeconds,
		"samples_per_second": res.SamplesPerSecond,
	}
	for k, v := range cost {
		m[k] = v
	}
	return m
}

// writeKWSMetrics writes the metrics as one JSON object to the file that
// $NASCENT_METRICS names, atomically, or to stdout when it is unset.
// Non-finite values (a diverged run) are an error: JSON cannot hold them
// and the study must not record a number that is not one.
func writeKWSMetrics(stdout io.Writer, m map[string]float64) error {
	var bad []string
	for k, v := range m {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			bad = append(bad, fmt.Sprintf("%s=%v", k, v))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("kws train: non-finite metrics: %s", strings.Join(bad, ", "))
	}
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	path := os.Getenv("NASCENT_METRICS")
	if path == "" {
		_, err := stdout.Write(data)
		return err
	}
	return writeFileAtomic(path, data)
}

// writeFileAtomic writes data to a temporary file beside path and
// renames it into place, so that a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}

// interrupted marks err as an interruption when ctx was cancelled.
func interrupted(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w: %v", errInterrupted, err)
	}
	return err
}
