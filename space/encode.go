package space

import (
	"fmt"

	"github.com/goccy/go-yaml"
)

// MarshalYAML encodes canonical values as YAML that reads back with the
// same types: floats always carry a dot (1.0e-07, 3.0), which goccy/go-yaml
// and the YAML 1.1 readers of Python (hannah, OmegaConf) need to see a
// float rather than an integer or a string. Map keys are sorted.
func MarshalYAML(values map[string]any) ([]byte, error) {
	b, err := yaml.Marshal(yamlTree(values))
	if err != nil {
		return nil, fmt.Errorf("space: marshal yaml: %w", err)
	}
	return b, nil
}

// yamlFloat is a float64 that writes itself with a dot.
type yamlFloat float64

// MarshalYAML implements yaml.BytesMarshaler.
func (f yamlFloat) MarshalYAML() ([]byte, error) {
	return []byte(floatText(float64(f))), nil
}

// yamlTree copies v with float64 replaced by yamlFloat.
func yamlTree(v any) any {
	switch x := v.(type) {
	case float64:
		return yamlFloat(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = yamlTree(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = yamlTree(e)
		}
		return out
	}
	return v
}
