package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"
)

func samplePoints() []Point {
	return []Point{
		{Trial: 0, X: 1000, Y: 0.30},
		{Trial: 1, X: 3000, Y: 0.10, Front: true},
		{Trial: 2, X: 800, Y: 0.20, Front: true},
		{Trial: 3, X: 9000, Y: 0.02, Front: true},
		{Trial: 4, X: 5000, Y: 0.15},
		{Trial: 5, X: math.NaN(), Y: 0.5}, // failed trial: left out
	}
}

func TestFrontPNG(t *testing.T) {
	var buf bytes.Buffer
	x := Axis{Label: "weights (count, minimize)", Log: true}
	y := Axis{Label: "val_error (fraction, minimize)"}
	if err := Front(&buf, "png", "Pareto front", x, y, samplePoints()); err != nil {
		t.Fatalf("Front: %v", err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 400 || b.Dy() < 300 {
		t.Fatalf("picture is %dx%d, want at least 400x300", b.Dx(), b.Dy())
	}
	if n := countColor(img, frontColor); n < 50 {
		t.Errorf("front colour covers %d pixels, want a drawn front", n)
	}
	if n := countColor(img, trialColor); n < 5 {
		t.Errorf("trial colour covers %d pixels, want drawn trials", n)
	}
}

func TestFrontSVGLabels(t *testing.T) {
	var buf bytes.Buffer
	x := Axis{Label: "weights (count, minimize)"}
	y := Axis{Label: "val_error (fraction, minimize)"}
	if err := Front(&buf, "svg", "Pareto front", x, y, samplePoints()); err != nil {
		t.Fatalf("Front: %v", err)
	}
	svg := buf.String()
	for _, want := range []string{"<svg", "weights (count, minimize)", "val_error (fraction, minimize)", "Pareto front (3)", "trials (5)"} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %q", want)
		}
	}
}

func TestHistory(t *testing.T) {
	for _, format := range []string{"png", "svg"} {
		var buf bytes.Buffer
		y := Axis{Label: "val_error (fraction, minimize)"}
		if err := History(&buf, format, "history", y, samplePoints()); err != nil {
			t.Fatalf("History(%s): %v", format, err)
		}
		if buf.Len() < 1000 {
			t.Errorf("History(%s) wrote %d bytes, want a picture", format, buf.Len())
		}
	}
}

func TestStaircase(t *testing.T) {
	tests := []struct {
		name      string
		maximizeX bool
		in, want  [][2]float64
	}{
		{"minimize both", false,
			[][2]float64{{3, 1}, {1, 3}, {2, 2}},
			[][2]float64{{1, 3}, {2, 3}, {2, 2}, {3, 2}, {3, 1}}},
		{"maximize x", true,
			[][2]float64{{1, 1}, {3, 3}},
			[][2]float64{{3, 3}, {1, 3}, {1, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in []Point
			for _, p := range tt.in {
				in = append(in, Point{X: p[0], Y: p[1], Front: true})
			}
			got := staircase(xys(in, Axis{}, Axis{}, true), tt.maximizeX)
			if len(got) != len(tt.want) {
				t.Fatalf("staircase = %v, want %v", got, tt.want)
			}
			for i, w := range tt.want {
				if got[i].X != w[0] || got[i].Y != w[1] {
					t.Fatalf("staircase = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestBadFormat(t *testing.T) {
	var buf bytes.Buffer
	if err := Front(&buf, "gif", "", Axis{}, Axis{}, samplePoints()); err == nil {
		t.Error("Front(gif) = nil error, want an error")
	}
	if _, err := Format("front.jpeg"); err == nil {
		t.Error(`Format("front.jpeg") = nil error, want an error`)
	}
	if f, err := Format("out/front.SVG"); err != nil || f != "svg" {
		t.Errorf(`Format("out/front.SVG") = %q, %v, want "svg", nil`, f, err)
	}
}

// countColor counts the pixels of img that are exactly c.
func countColor(img image.Image, c color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(bl>>8) == c.B && a == 0xffff {
				n++
			}
		}
	}
	return n
}

func TestLinearTicks(t *testing.T) {
	tests := []struct {
		name     string
		min, max float64
		want     []string
	}{
		{"trials", 0, 250, []string{"0", "50", "100", "150", "200", "250"}},
		{"fractions", 0, 0.8, []string{"0", "0.2", "0.4", "0.6", "0.8"}},
		{"negative", -3, 3, []string{"-2", "0", "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tk := range (linearTicks{}).Ticks(tt.min, tt.max) {
				if tk.Label != "" {
					got = append(got, tk.Label)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("labels(%v, %v) = %v, want %v", tt.min, tt.max, got, tt.want)
			}
		})
	}
}
