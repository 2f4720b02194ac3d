print("hop-sim: not built yet")
