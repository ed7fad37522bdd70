print("govstats")
