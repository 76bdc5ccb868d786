"""Reference solution of the ten graded functions.

This file is also the source of the student notebook (``grader generate``): each graded
function is copied into its own cell, and every region between ``### START CODE HERE ###`` and
``### END CODE HERE ###`` is replaced by the stub lines written in it behind ``#| `` (the
solution lines are dropped, the stub lines un-commented). Keep the regions small and the code
outside them exactly what a student should see.

Shapes use n[l] for the number of units in layer l (n[0] is the input size) and m for the
number of examples. Layer l is LINEAR -> ACTIVATION; hidden layers use ReLU, the output sigmoid.
"""

import numpy as np

from reference.activations import relu, relu_backward, sigmoid, sigmoid_backward


# GRADED FUNCTION: initialize_parameters
def initialize_parameters(n_x, n_h, n_y):
    """Random small weights and zero biases for a LINEAR->RELU->LINEAR->SIGMOID network.

    n_x -- number of input features; n_h -- hidden units; n_y -- output units.
    Returns a dict with W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1).
    """
    np.random.seed(1)

    ### START CODE HERE ###
    #| W1 = None
    #| b1 = None
    #| W2 = None
    #| b2 = None
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    ### END CODE HERE ###

    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return parameters


# GRADED FUNCTION: initialize_parameters_deep
def initialize_parameters_deep(layer_dims):
    """Random small weights and zero biases for every layer of an L-layer network.

    layer_dims -- list [n[0], n[1], ..., n[L]] of layer sizes, input first.
    Returns a dict with, for l = 1..L, "W<l>" of shape (n[l], n[l-1]) and "b<l>" of (n[l], 1).
    """
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)  # number of entries, i.e. layers + 1 (the input)

    for l in range(1, L):
        ### START CODE HERE ###
        #| parameters["W" + str(l)] = None
        #| parameters["b" + str(l)] = None
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
        ### END CODE HERE ###

    return parameters


# GRADED FUNCTION: linear_forward
def linear_forward(A, W, b):
    """The linear step of one layer: Z = W A + b.

    A -- activations of the previous layer (or X), shape (n[l-1], m)
    W -- weights, shape (n[l], n[l-1]); b -- biases, shape (n[l], 1)
    Returns (Z, cache): Z of shape (n[l], m) and the linear cache (A, W, b) for backprop.
    """
    ### START CODE HERE ###
    #| Z = None
    Z = np.dot(W, A) + b
    ### END CODE HERE ###

    cache = (A, W, b)
    return Z, cache


# GRADED FUNCTION: linear_activation_forward
def linear_activation_forward(A_prev, W, b, activation):
    """One whole layer: LINEAR then ACTIVATION ("sigmoid" or "relu").

    A_prev -- activations of the previous layer, shape (n[l-1], m)
    W -- shape (n[l], n[l-1]); b -- shape (n[l], 1); activation -- "sigmoid" or "relu"
    Returns (A, cache): A of shape (n[l], m) and cache = (linear_cache, activation_cache),
    where linear_cache = (A_prev, W, b) and activation_cache = Z.
    """
    if activation == "sigmoid":
        ### START CODE HERE ###
        #| Z, linear_cache = None
        #| A, activation_cache = None
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
        ### END CODE HERE ###
    elif activation == "relu":
        ### START CODE HERE ###
        #| Z, linear_cache = None
        #| A, activation_cache = None
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
        ### END CODE HERE ###
    else:
        raise ValueError(f'activation must be "sigmoid" or "relu", not {activation!r}')

    cache = (linear_cache, activation_cache)
    return A, cache


# GRADED FUNCTION: L_model_forward
def L_model_forward(X, parameters):
    """Forward pass of [LINEAR->RELU] x (L-1) -> LINEAR->SIGMOID.

    X -- input data, shape (n[0], m)
    parameters -- dict with W1, b1, ..., WL, bL (as made by initialize_parameters_deep)
    Returns (AL, caches): AL of shape (1, m) and a list of L layer caches, caches[l - 1] being
    the (linear_cache, activation_cache) of layer l.
    """
    caches = []
    A = X
    L = len(parameters) // 2  # each layer has one W and one b

    for l in range(1, L):
        A_prev = A
        ### START CODE HERE ###
        #| A, cache = None
        A, cache = linear_activation_forward(
            A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu"
        )
        caches.append(cache)
        ### END CODE HERE ###

    ### START CODE HERE ###
    #| AL, cache = None
    AL, cache = linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid"
    )
    caches.append(cache)
    ### END CODE HERE ###

    return AL, caches


# GRADED FUNCTION: compute_cost
def compute_cost(AL, Y):
    """Cross-entropy cost J = -(1/m) sum(Y log(AL) + (1 - Y) log(1 - AL)).

    AL -- predicted probabilities, shape (1, m); Y -- true labels (0 or 1), shape (1, m)
    Returns the cost as a 0-d value (squeezed).
    """
    m = Y.shape[1]

    ### START CODE HERE ###
    #| cost = None
    cost = (-1 / m) * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))
    ### END CODE HERE ###

    cost = np.squeeze(cost)  # turns [[0.41]] into 0.41
    return cost


# GRADED FUNCTION: linear_backward
def linear_backward(dZ, cache):
    """Backward through the linear step of one layer.

    dZ -- gradient of the cost with respect to Z of this layer, shape (n[l], m)
    cache -- the linear cache (A_prev, W, b) saved by linear_forward
    Returns (dA_prev, dW, db), shaped like A_prev (n[l-1], m), W (n[l], n[l-1]), b (n[l], 1).
    """
    A_prev, W, b = cache
    m = A_prev.shape[1]

    ### START CODE HERE ###
    #| dW = None
    #| db = None
    #| dA_prev = None
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    ### END CODE HERE ###

    return dA_prev, dW, db


# GRADED FUNCTION: linear_activation_backward
def linear_activation_backward(dA, cache, activation):
    """Backward through one whole layer (ACTIVATION, then LINEAR).

    dA -- gradient of the cost with respect to this layer's output A, shape (n[l], m)
    cache -- (linear_cache, activation_cache) saved by linear_activation_forward
    activation -- "sigmoid" or "relu", the activation this layer used
    Returns (dA_prev, dW, db), shaped like A_prev, W and b.
    """
    linear_cache, activation_cache = cache

    if activation == "relu":
        ### START CODE HERE ###
        #| dZ = None
        #| dA_prev, dW, db = None
        dZ = relu_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
        ### END CODE HERE ###
    elif activation == "sigmoid":
        ### START CODE HERE ###
        #| dZ = None
        #| dA_prev, dW, db = None
        dZ = sigmoid_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
        ### END CODE HERE ###
    else:
        raise ValueError(f'activation must be "sigmoid" or "relu", not {activation!r}')

    return dA_prev, dW, db


# GRADED FUNCTION: L_model_backward
def L_model_backward(AL, Y, caches):
    """Backward pass of [LINEAR->RELU] x (L-1) -> LINEAR->SIGMOID.

    AL -- output of L_model_forward, shape (1, m); Y -- true labels, shape (1, m)
    caches -- the list of L layer caches returned by L_model_forward
    Returns grads, a dict with, for l = 1..L, "dW<l>" and "db<l>" (shaped like W<l>, b<l>),
    and for l = 0..L-1, "dA<l>": the gradient with respect to A[l] (shaped like A[l]).
    """
    grads = {}
    L = len(caches)  # the number of layers
    Y = Y.reshape(AL.shape)

    ### START CODE HERE ###
    #| dAL = None
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    ### END CODE HERE ###

    # Layer L (SIGMOID): gives dA<L-1>, dW<L>, db<L>.
    ### START CODE HERE ###
    #| current_cache = None
    #| grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = None
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = (
        linear_activation_backward(dAL, current_cache, "sigmoid")
    )
    ### END CODE HERE ###

    # Layers L-1 down to 1 (RELU): layer l + 1 gives dA<l>, dW<l+1>, db<l+1>.
    for l in reversed(range(L - 1)):
        ### START CODE HERE ###
        #| current_cache = None
        #| dA_prev_temp, dW_temp, db_temp = None
        #| grads["dA" + str(l)] = None
        #| grads["dW" + str(l + 1)] = None
        #| grads["db" + str(l + 1)] = None
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, "relu"
        )
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
        ### END CODE HERE ###

    return grads


# GRADED FUNCTION: update_parameters
def update_parameters(parameters, grads, learning_rate):
    """One step of gradient descent: W<l> -= learning_rate * dW<l>, b<l> -= learning_rate * db<l>.

    parameters -- dict with W1, b1, ..., WL, bL; grads -- dict from L_model_backward
    learning_rate -- the step size (a float)
    Returns a new dict of updated parameters; the caller's dict and arrays are left untouched.
    """
    parameters = {name: value.copy() for name, value in parameters.items()}
    L = len(parameters) // 2  # each layer has one W and one b

    ### START CODE HERE ###
    #| for l in range(1, L + 1):
    #|     parameters["W" + str(l)] = None
    #|     parameters["b" + str(l)] = None
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    ### END CODE HERE ###

    return parameters
