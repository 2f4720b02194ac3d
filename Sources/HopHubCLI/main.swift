import HopHub
print("hop-hub")
