package boomi

import (
	"testing"

	"rolecall/internal/testlong"
)

// TestMain runs the tests at GOGC=400 (testlong.TuneGC): 3.0 -> 2.5 s of
// CPU for the package, most of it parsing 200,000 objects at the limits.
func TestMain(m *testing.M) { testlong.Main(m) }
