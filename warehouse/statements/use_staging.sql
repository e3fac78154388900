USE staging;
