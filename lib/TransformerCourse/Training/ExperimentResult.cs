namespace TransformerCourse.Training;

/// <summary>
/// What a finished training run of a sequence-to-sequence task reports (what the course's ready-made runs,
/// <c>Experiment</c> in TransformerCourse.Recipes, return; notebooks show it as a table).
/// </summary>
/// <param name="Task">The task name.</param>
/// <param name="ModelKind">The model kind.</param>
/// <param name="Test">Metrics on the held-out test set (exact match from greedy decoding of
/// every test example).</param>
/// <param name="History">The evaluations during training.</param>
/// <param name="TrainSeconds">Wall-clock training time, evaluation excluded.</param>
/// <param name="Steps">Optimiser steps taken.</param>
/// <param name="Parameters">The model's parameter count.</param>
public sealed record ExperimentResult(string Task, string ModelKind, Evaluation Test,
    IReadOnlyList<TrainingRecord> History, double TrainSeconds, int Steps, int Parameters);
