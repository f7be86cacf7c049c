"""The handout's CNN and UNet in PyTorch (float32, default init), shared by the
bench scripts: bench/reference_torch.py (speed) and
bench/reference_train_torch.py (25-epoch reference runs).
"""
import torch
import torch.nn as nn


def block(cin, cout, k, resample):
    """conv -> (max-pool 2 | upsample x2 | nothing) -> BatchNorm -> ReLU, as the handout."""
    layers = [nn.Conv2d(cin, cout, kernel_size=k, padding=k // 2)]
    if resample == "pool":
        layers.append(nn.MaxPool2d(2))
    elif resample == "upsample":
        layers.append(nn.Upsample(scale_factor=2))
    layers += [nn.BatchNorm2d(cout), nn.ReLU()]
    return nn.Sequential(*layers)


class CNN(nn.Module):
    """The handout's PoolUpsampleNet."""

    def __init__(self, k, nf, nc, cin=1):
        super().__init__()
        self.downconv1 = block(cin, nf, k, "pool")
        self.downconv2 = block(nf, 2 * nf, k, "pool")
        self.rfconv = block(2 * nf, 2 * nf, k, "none")
        self.upconv1 = block(2 * nf, nf, k, "upsample")
        self.upconv2 = block(nf, nc, k, "upsample")
        self.finalconv = nn.Conv2d(nc, nc, kernel_size=k, padding=k // 2)

    def forward(self, x):
        x = self.downconv1(x)
        x = self.downconv2(x)
        x = self.rfconv(x)
        x = self.upconv1(x)
        x = self.upconv2(x)
        return self.finalconv(x)


class UNet(nn.Module):
    """The handout's UNet: three concatenations on the channel axis."""

    def __init__(self, k, nf, nc, cin=1):
        super().__init__()
        self.downconv1 = block(cin, nf, k, "pool")
        self.downconv2 = block(nf, 2 * nf, k, "pool")
        self.rfconv = block(2 * nf, 2 * nf, k, "none")
        self.upconv1 = block(4 * nf, nf, k, "upsample")
        self.upconv2 = block(2 * nf, nc, k, "upsample")
        self.finalconv = nn.Conv2d(nc + cin, nc, kernel_size=k, padding=k // 2)

    def forward(self, x):
        out1 = self.downconv1(x)
        out2 = self.downconv2(out1)
        out3 = self.rfconv(out2)
        out4 = self.upconv1(torch.cat((out3, out2), dim=1))
        out5 = self.upconv2(torch.cat((out4, out1), dim=1))
        return self.finalconv(torch.cat((out5, x), dim=1))
