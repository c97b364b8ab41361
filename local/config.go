package local

import (
	"encoding/json"
	"fmt"

	"github.com/goccy/go-yaml"

	"github.com/nascent-nas/nascent"
)

// Merge returns base with values merged in: values win, mappings present
// in both merge key by key, anything else (lists included) is replaced.
// Neither argument is modified; the result may share their leaves.
func Merge(base, values map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(values))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range values {
		bm, ok1 := out[k].(map[string]any)
		vm, ok2 := v.(map[string]any)
		if ok1 && ok2 {
			out[k] = Merge(bm, vm)
			continue
		}
		out[k] = v
	}
	return out
}

// EncodeConfig writes a config as "yaml" or "json".
func EncodeConfig(v map[string]any, format string) ([]byte, error) {
	if format == "json" {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("candidate file: %w: %v", nascent.ErrInvalid, err)
		}
		return append(b, '\n'), nil
	}
	b, err := yaml.MarshalWithOptions(v, yaml.IndentSequence(true))
	if err != nil {
		return nil, fmt.Errorf("candidate file: %w: %v", nascent.ErrInvalid, err)
	}
	return b, nil
}
