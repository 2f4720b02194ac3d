print("hop-edge: not built yet")
