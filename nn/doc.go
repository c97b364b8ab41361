// Package nn is nascent's small float32 training engine for 1-D
// convolutional networks: the layers that keyword-spotting models are made
// of, their backward passes, AdamW and learning-rate schedules.
//
// Activations are [Tensor] values laid out [C][L][N] (channel, time,
// example), so that a convolution over a whole batch is a single matrix
// product whose columns are the (time, example) pairs, the unrolled
// columns of a time step are whole rows of the input, and batch norm
// reads each channel contiguously.
//
// A [Layer] owns the buffers it returns: the tensor from Forward and the
// one from Backward stay valid until the layer's next call, and callers
// must not keep them longer. Backward must follow the Forward whose
// activations it differentiates, and adds parameter gradients into
// [Param].Grad; the optimizer clears them after each step.
//
// Layers are not safe for concurrent use. Work inside a layer is spread
// over [Layer] threads set with [SetThreads].
//
// Every backward pass is checked in the tests against central finite
// differences of a float64 reference implementation.
package nn
