"""dnn-autograder: grading library and command line for the deep-network step-by-step exercise."""

__version__ = "0.1.0"
