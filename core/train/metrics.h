// metrics.h — image quality: PSNR and SSIM for images with values in [0, 1].
#pragma once
#include <cstddef>
#include <vector>

namespace dae {

// Peak signal-to-noise ratio of one image in dB, data range 1: 10·log10(1 / MSE).
// Identical images (MSE = 0) return kPsnrCap so that means stay finite; values above the
// cap (MSE < 1e-10) are clamped to it too. Sums in double. Throws dae::Error if n == 0.
constexpr double kPsnrCap = 100.0;
double psnr(const float* a, const float* b, size_t n);

// Structural similarity of one h×w image (Wang et al. 2004): Gaussian window 11×11, σ = 1.5,
// K1 = 0.01, K2 = 0.03, data range 1, averaged over every position where the window fits
// entirely ('valid'; 18×18 positions on 28×28). Same definition as
// skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5,
// use_sample_covariance=False, data_range=1) — the window is the separable, normalised 1-D
// Gaussian exp(−k²/2σ²), k = −5..5, in each direction; population (co)variances; all sums in
// double. Identical images give exactly 1. Along a side shorter than 11 pixels the window is
// clipped symmetrically to radius r = (side − 1) / 2 (integer division) and renormalised, so
// there are side − 2r (1 or 2) positions along it. Throws dae::Error if h < 1 or w < 1.
double ssim(const float* a, const float* b, int h, int w);

// A noisy / denoised / clean image with its scores against the clean one (Results, Draw, figures).
struct Triple {
  std::vector<float> noisy, denoised, clean;  // h·w floats in [0,1]
  double psnr_noisy = 0, psnr_denoised = 0, ssim_noisy = 0, ssim_denoised = 0;
  size_t index = 0;                            // validation image index (results)
};

}  // namespace dae
