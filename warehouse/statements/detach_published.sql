DETACH published;
