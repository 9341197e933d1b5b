namespace RnnToolkit.Decoding;

/// <summary>One decoded sequence.</summary>
/// <param name="Tokens">The generated tokens, without the start token and without the end token.</param>
/// <param name="LogProbability">log P(tokens [, end] | source): the sum of the step log-probabilities (including the end token when <paramref name="Finished"/>).</param>
/// <param name="Score">What beam search ranks by: LogProbability / lp(length) with the GNMT length penalty lp(L) = ((5 + L) / 6)^α (L counts the end token); equals LogProbability for α = 0 and for greedy/sampling.</param>
/// <param name="Finished">True when the sequence ended with the end token, false when it hit the length limit.</param>
public sealed record Hypothesis(long[] Tokens, double LogProbability, double Score, bool Finished);
