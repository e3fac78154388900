USE published;
