#!/usr/bin/env python3
"""A test-only stand-in for `tensorflow.keras`: runs a Keras program written by `dae code` without
TensorFlow and prints, as one JSON object, what the program built — every layer call with its
arguments, its output shape and its parameter count, counted the way Keras counts them — and
what it passed to compile() and fit().

usage: keras_standin.py program.py   (run in the folder the program reads its data from)

Shapes are channels-last (H, W, C) like Keras'; the rules are Keras' documented ones:
  Conv2D           'same': H × W; 'valid': H − k + 1; params k·k·C·F + F
  Conv2DTranspose  stride s, 'valid': (H − 1)·s + k + output_padding; 'same': H·s; params k·k·C·F + F
  Dense            params in·units + units;  MaxPooling2D 'same': ceil(H / 2);  UpSampling2D: ×2
  Cropping2D       H − top − bottom;  Flatten, Reshape, activations: no parameters
"""
import json
import math
import sys
import types

import numpy as np

record = {"layers": [], "compile": None, "fit": None, "model": None}


class Tensor:
    def __init__(self, shape):
        self.shape = tuple(shape)


def pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


class Layer:
    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs

    def __call__(self, x):
        shape, params = self.build(x.shape)
        record["layers"].append({"class": type(self).__name__, "args": [repr(a) for a in self.args],
                                 "kwargs": {k: repr(v) for k, v in self.kwargs.items()},
                                 "input": list(x.shape), "output": list(shape), "params": params})
        return Tensor(shape)

    def build(self, shape):
        return shape, 0


class Conv2D(Layer):
    def build(self, shape):
        h, w, c = shape
        f, (kh, kw) = self.args[0], pair(self.args[1])
        if self.kwargs.get("padding", "valid") == "valid":
            h, w = h - kh + 1, w - kw + 1
        return (h, w, f), kh * kw * c * f + f


class Conv2DTranspose(Layer):
    def build(self, shape):
        h, w, c = shape
        f, (kh, kw) = self.args[0], pair(self.args[1])
        s, op = self.kwargs.get("strides", 1), self.kwargs.get("output_padding", 0)
        if self.kwargs.get("padding", "valid") == "same":
            h, w = h * s, w * s
        else:
            h, w = (h - 1) * s + kh + op, (w - 1) * s + kw + op
        return (h, w, f), kh * kw * c * f + f


class Dense(Layer):
    def build(self, shape):
        units = self.args[0]
        return shape[:-1] + (units,), shape[-1] * units + units


class MaxPooling2D(Layer):
    def build(self, shape):
        h, w, c = shape
        assert self.kwargs.get("padding") == "same"
        return (math.ceil(h / 2), math.ceil(w / 2), c), 0


class UpSampling2D(Layer):
    def build(self, shape):
        (a, b), (h, w, c) = pair(self.args[0]), shape
        return (h * a, w * b, c), 0


class Cropping2D(Layer):
    def build(self, shape):
        ((t, b), (l, r)), (h, w, c) = self.args[0], shape
        return (h - t - b, w - l - r, c), 0


class Flatten(Layer):
    def build(self, shape):
        return (int(np.prod(shape)),), 0


class Reshape(Layer):
    def build(self, shape):
        target = tuple(self.args[0])
        assert np.prod(target) == np.prod(shape), (target, shape)
        return target, 0


class ReLU(Layer):
    pass


class LeakyReLU(Layer):
    pass


class Activation(Layer):
    pass


class Adam:
    def __init__(self, learning_rate=0.001):
        self.learning_rate = learning_rate


class Model:
    def __init__(self, inputs, outputs):
        record["model"] = {"input": list(inputs.shape), "output": list(outputs.shape),
                           "params": sum(l["params"] for l in record["layers"])}

    def compile(self, optimizer, loss):
        record["compile"] = {"optimizer": type(optimizer).__name__, "learning_rate": optimizer.learning_rate, "loss": loss}

    def summary(self):
        pass

    def fit(self, x, y, epochs, batch_size, shuffle, validation_data):
        record["fit"] = {"x": list(x.shape), "y": list(y.shape), "epochs": epochs, "batch_size": batch_size,
                         "shuffle": shuffle, "val_x": list(validation_data[0].shape),
                         "val_y": list(validation_data[1].shape)}


def install():
    layers = types.ModuleType("tensorflow.keras.layers")
    for cls in (Conv2D, Conv2DTranspose, Dense, MaxPooling2D, UpSampling2D, Cropping2D, Flatten, Reshape, ReLU,
                LeakyReLU, Activation):
        setattr(layers, cls.__name__, cls)
    keras = types.ModuleType("tensorflow.keras")
    keras.layers, keras.Model = layers, Model
    keras.Input = lambda shape: Tensor(shape)
    keras.optimizers = types.SimpleNamespace(Adam=Adam)
    tf = types.ModuleType("tensorflow")
    tf.keras = keras
    sys.modules.update({"tensorflow": tf, "tensorflow.keras": keras, "tensorflow.keras.layers": layers})


if __name__ == "__main__":
    install()
    program = open(sys.argv[1]).read()
    exec(compile(program, sys.argv[1], "exec"), {"__name__": "__main__"})
    print(json.dumps(record))
